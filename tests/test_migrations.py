"""The migrations create every table the models define, and no model change lacks a migration."""

import os
import subprocess
import sys

import asyncpg
import pytest

from backend_settings import BACKEND, fresh_postgres_database

DETECT_CHANGES = """
import asyncio
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector
from mortgage_cloud.infra.migrations_config import TORTOISE_ORM

async def main():
    async with tortoise_cli_context(TORTOISE_ORM) as ctx:
        writers = await MigrationAutodetector(ctx.apps, TORTOISE_ORM["apps"]).changes()
    print(len(writers))

asyncio.run(main())
"""

LIST_TABLES = """
from mortgage_cloud.infra.migrations_config import TORTOISE_ORM
from tortoise import Tortoise
import asyncio

async def main():
    await Tortoise.init(config=TORTOISE_ORM)
    for app in Tortoise.apps.values():
        for model in app.values():
            print(model._meta.db_table)
    await Tortoise.close_connections()

asyncio.run(main())
"""


def run_python(code: str, **env: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, **env}, check=True)
    return result.stdout


def test_migrations_cover_every_model_change():
    assert run_python(DETECT_CHANGES).strip().splitlines()[-1] == "0"


@pytest.fixture
async def empty_database_url(tmp_path):
    if BACKEND == "sqlite":
        yield f"sqlite://{tmp_path / 'migrated.sqlite3'}"
        return
    async with fresh_postgres_database("mc_migrate") as url:
        yield url


async def test_migrate_creates_every_model_table(empty_database_url, tmp_path):
    command = [sys.executable, "-m", "mortgage_cloud.cli", "migrate"]
    env = {**os.environ, "MC_DATABASE_URL": empty_database_url, "MC_DATA_DIR": str(tmp_path)}
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)

    expected = set(run_python(LIST_TABLES).split())
    assert expected <= await _tables(empty_database_url)


async def _tables(url: str) -> set[str]:
    if url.startswith("sqlite://"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite://")) as connection:
            return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row["tablename"] for row in rows}
    finally:
        await connection.close()
