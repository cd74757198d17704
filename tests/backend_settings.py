"""Which database and cache the test run uses, read from the environment."""

import contextlib
import os
import uuid
from collections.abc import AsyncIterator

import asyncpg

BACKEND = os.environ.get("MC_TEST_BACKEND", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get("MC_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("MC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextlib.asynccontextmanager
async def fresh_postgres_database(prefix: str) -> AsyncIterator[str]:
    """Create an empty PostgreSQL database named `<prefix>_<random>`, yield its URL and drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
