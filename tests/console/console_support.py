"""Helpers shared by the console tests: officers' console credentials, login and a consenting borrower."""

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass

import httpx

from mortgage_cloud.demo.actors import BorrowerActor
from mortgage_cloud.demo.cases import Bank

PASSWORD = "Anquan2026mima"


@dataclass
class ConsoleOfficer:
    """An officer created through the signed bank API, with the console credentials they would type."""

    id: str
    name: str
    role: str
    phone: str
    password: str | None
    uscc: str
    bank: Bank


@dataclass
class ConsentingBorrower:
    """A borrower who granted the bank a lookup consent for a unit they own, and the actor who did it."""

    actor: BorrowerActor
    consent_id: str
    unit_no: str


def new_phone() -> str:
    return "139" + "".join(secrets.choice("0123456789") for _ in range(8))


async def log_in(client: httpx.AsyncClient, officer: ConsoleOfficer, *, login: str | None = None,
                 password: str | None = None) -> httpx.Response:
    """Send the console login form for the officer, by phone unless `login` is given."""
    return await client.post("/console/v1/login", json={
        "uscc": officer.uscc, "login": login or officer.phone, "password": password or officer.password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def run_cli(settings, *arguments: str, stdin: str = "") -> subprocess.CompletedProcess:
    """Run `mortgage-cloud` against the test session's database and cache, with `stdin` as standard input."""
    environment = os.environ | {
        "MC_DATABASE_URL": settings.database_url,
        "MC_REDIS_URL": settings.redis_url or "",
        "MC_REDIS_PREFIX": settings.redis_prefix,
        "MC_DATA_DIR": str(settings.data_dir),
        "MC_LOG_LEVEL": "WARNING",
    }
    return subprocess.run([sys.executable, "-m", "mortgage_cloud.cli", *arguments], env=environment, input=stdin,
                          capture_output=True, text=True, timeout=60, check=False)
