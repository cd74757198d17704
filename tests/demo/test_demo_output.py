"""Runs `mortgage-cloud demo` once, as a user runs it, and checks its output folder and console output.

Users share the output folder, so it must hold the proofs, the signed documents and the root certificate
that validates them, and neither the database nor any private key.
"""

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mortgage_cloud.signing.pdfsig import pdfsig_report

from backend_settings import BACKEND, REDIS_URL, fresh_postgres_database

REPO_ROOT = Path(__file__).resolve().parents[2]

# Enough units for every case the demo plans, because the 5,000 of `make demo` only make the run longer.
DEMO_UNITS = 1000
DEMO_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class DemoRun:
    returncode: int
    console: str
    output_dir: Path
    temp_dir: Path


@pytest.fixture(scope="module")
async def demo_database_url() -> AsyncIterator[str | None]:
    """None on SQLite, where the demo makes its own file, and a fresh PostgreSQL database otherwise."""
    if BACKEND == "sqlite":
        yield None
        return

    async with fresh_postgres_database("mc_demo") as url:
        yield url


@pytest.fixture(scope="module")
def demo_run(demo_database_url, tmp_path_factory) -> DemoRun:
    output_dir = tmp_path_factory.mktemp("demo-output")
    temp_dir = tmp_path_factory.mktemp("demo-tmp")
    command = [sys.executable, "-m", "mortgage_cloud.cli", "demo", "--output-dir", str(output_dir),
               "--units", str(DEMO_UNITS)]
    if demo_database_url is not None:
        command += ["--database-url", demo_database_url, "--redis-url", REDIS_URL]

    # TMPDIR points the demo's temporary folder at one this test can look into. MC_LOG_LEVEL is dropped so
    # that the console shows what a user sees by default.
    env = {key: value for key, value in os.environ.items() if key != "MC_LOG_LEVEL"}
    env["TMPDIR"] = str(temp_dir)
    completed = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                               timeout=DEMO_TIMEOUT_SECONDS, check=False)
    return DemoRun(returncode=completed.returncode, console=completed.stdout + completed.stderr,
                   output_dir=output_dir, temp_dir=temp_dir)


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _proofs(run: DemoRun) -> list[Path]:
    return sorted((run.output_dir / "documents").glob("*/proof.pdf"))


def test_demo_exits_zero(demo_run):
    assert demo_run.returncode == 0, demo_run.console[-3000:]


def test_demo_output_has_root_certificate(demo_run):
    assert (demo_run.output_dir / "root-cert.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_demo_output_has_proofs(demo_run):
    assert _proofs(demo_run) != []


def test_demo_output_has_signed_contracts(demo_run):
    assert list((demo_run.output_dir / "documents").glob("*/mortgage_contract.pdf")) != []


def test_demo_output_no_private_key(demo_run):
    with_key = [path for path in _files(demo_run.output_dir) if b"PRIVATE KEY" in path.read_bytes()]
    assert with_key == []


def test_demo_output_no_database(demo_run):
    databases = [path for path in _files(demo_run.output_dir) if path.suffix in (".sqlite3", ".db")]
    assert databases == []


def test_demo_output_no_data_folder(demo_run):
    assert not (demo_run.output_dir / "var").exists()


def test_demo_data_folder_removed_at_exit(demo_run):
    assert list(demo_run.temp_dir.glob("mortgage-cloud-demo-*")) == []


def test_demo_console_no_sanic_startup_lines(demo_run):
    assert "Sanic Extensions" not in demo_run.console


def test_demo_console_names_root_certificate(demo_run):
    assert str(demo_run.output_dir / "root-cert.pem") in demo_run.console


def test_demo_proofs_valid_with_output_certificate(demo_run):
    ca_pem = (demo_run.output_dir / "root-cert.pem").read_bytes()

    untrusted = []
    for proof in _proofs(demo_run):
        report = pdfsig_report(proof.read_bytes(), ca_pem=ca_pem)
        if not report or not all(item.valid and item.trusted for item in report):
            untrusted.append(proof.parent.name)
    assert untrusted == []
