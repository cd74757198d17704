"""Tortoise ORM set-up for SQLite (embedded default) or PostgreSQL."""

import logging
from pathlib import Path
from typing import Any

from tortoise import Tortoise

from mortgage_cloud.settings import Settings

log = logging.getLogger(__name__)

MODEL_MODULES = [
    "mortgage_cloud.registry.models",
    "mortgage_cloud.identity.models",
    "mortgage_cloud.banks.models",
    "mortgage_cloud.consent.models",
    "mortgage_cloud.applications.models",
    "mortgage_cloud.signing.models",
    "mortgage_cloud.notify.models",
    "mortgage_cloud.pipeline.models",
    "mortgage_cloud.valuation.models",
    "mortgage_cloud.review.models",
    "mortgage_cloud.kiosk.models",
]


def tortoise_config(settings: Settings) -> dict[str, Any]:
    """Build the Tortoise config for the settings' database URL."""
    url = settings.database_url
    if url.startswith("sqlite://") and not url.startswith("sqlite://:memory:"):
        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)

    return {
        "connections": {"default": _connection(url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "mortgage_cloud.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection(url: str) -> Any:
    if url.startswith("sqlite://"):
        # WAL lets readers run beside the one writer; busy_timeout waits for the lock instead of failing.
        return {
            "engine": "tortoise.backends.sqlite",
            "credentials": {
                "file_path": url.removeprefix("sqlite://"),
                "journal_mode": "WAL",
                "journal_size_limit": 16384,
                "foreign_keys": "ON",
                "busy_timeout": 30000,
            },
        }
    return url


def is_sqlite(settings: Settings) -> bool:
    """Return whether the settings select the embedded SQLite database."""
    return settings.database_url.startswith("sqlite://")


async def init_db(settings: Settings, *, create_schema: bool = False) -> None:
    """Open the database connections; create the tables directly when asked (tests only)."""
    # The global fallback lets tasks started outside this one (the server's request handlers, queue
    # workers) see the connections: Tortoise 1.x otherwise keeps them in this task's context only.
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)
    if create_schema:
        await Tortoise.generate_schemas(safe=True)
    log.info("database opened", extra={"engine": "sqlite" if is_sqlite(settings) else "postgres"})


async def migrate_db(settings: Settings) -> None:
    """Apply every pending migration."""
    from tortoise.migrations.api import migrate

    try:
        await migrate(config=tortoise_config(settings))
    finally:
        # An open aiosqlite connection keeps a thread alive, so a failed run would otherwise hang.
        await Tortoise.close_connections()
    log.info("migrations applied")


async def close_db() -> None:
    """Close every database connection."""
    await Tortoise.close_connections()
