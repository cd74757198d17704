"""`mortgage-cloud serve` as operators start it: migrations, then requests that reach the database."""

import os
import subprocess
import sys
import time

import httpx

from mortgage_cloud.mocks.testing import free_port


def test_serve_answers_readyz_after_migrating(tmp_path):
    port = free_port()
    env = {**os.environ, "MC_DATABASE_URL": f"sqlite://{tmp_path / 'serve.sqlite3'}", "MC_DATA_DIR": str(tmp_path),
           "MC_REDIS_URL": "", "MC_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "-m", "mortgage_cloud.cli", "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status = _wait_for_ready(f"http://127.0.0.1:{port}/readyz", deadline=time.monotonic() + 60)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert status == 200


def _wait_for_ready(url: str, *, deadline: float) -> int | None:
    status = None
    while time.monotonic() < deadline:
        try:
            status = httpx.get(url, timeout=2).status_code
            if status == 200:
                return status
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    return status
