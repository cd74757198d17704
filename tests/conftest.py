"""Test fixtures: one runtime per session on SQLite, or on PostgreSQL and Redis with MC_TEST_BACKEND=postgres."""

import socket
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from mortgage_cloud.app import create_app
from mortgage_cloud.infra.runtime import Runtime, start_runtime, stop_runtime
from mortgage_cloud.settings import Settings

from backend_settings import BACKEND, POSTGRES_ADMIN_URL, REDIS_URL

pytest_plugins = ["flow_fixtures"]


def pytest_report_header() -> str:
    return f"mortgage-cloud test backend: {BACKEND}"


@pytest.fixture(scope="session")
def test_run_id() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory, test_run_id: str) -> AsyncIterator[str]:
    """A fresh, empty database for this test session, dropped at its end."""
    if BACKEND == "sqlite":
        yield f"sqlite://{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return

    name = f"mc_test_{test_run_id}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory, test_run_id: str) -> Settings:
    data_dir: Path = tmp_path_factory.mktemp("data")
    return Settings(
        database_url=database_url,
        redis_url=REDIS_URL if BACKEND == "postgres" else None,
        redis_prefix=f"mc-test-{test_run_id}:",
        data_dir=data_dir,
    )


@pytest.fixture(scope="session")
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    # Tables come straight from the models here; tests/test_migrations.py checks the migrations.
    started = await start_runtime(settings, create_schema=True)
    yield started
    await stop_runtime()


@pytest.fixture(scope="session")
async def server_url(runtime: Runtime, settings: Settings) -> AsyncIterator[str]:
    """Serve the app over real HTTP on a free loopback port, in the test session's event loop."""
    app = create_app(settings, manage_runtime=False)
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.start_serving()
    yield f"http://127.0.0.1:{port}"
    await server.close()


@pytest.fixture(scope="session")
async def client(server_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server_url, timeout=30) as http:
        yield http


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
