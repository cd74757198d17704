"""Proof numbers (不动产登记证明号): unique and gapless per registry and year."""

import logging
from datetime import datetime
from typing import Any

from tortoise.expressions import F

from mortgage_cloud.identifiers import CHINA_TZ, format_proof_no
from mortgage_cloud.registry.models import ProofCounter
from mortgage_cloud.settings import Settings, get_settings

log = logging.getLogger(__name__)


def registry_settings() -> Settings:
    """Return the running process's settings, or the environment's when no runtime is started (CLI)."""
    from mortgage_cloud.infra.runtime import runtime

    try:
        return runtime().settings
    except RuntimeError:
        return get_settings()


async def allocate_proof_no(*, registered_at: datetime, connection: Any) -> str:
    """Take the next proof number of the registry's year inside the caller's transaction.

    The counter moves in the same transaction as the register entry, so a rollback or a crash
    returns the number and no gap appears. The UPDATE holds the counter row's lock until commit
    (PostgreSQL), or the database write lock does (SQLite), so concurrent registrations queue here.
    """
    settings = registry_settings()
    region = settings.registry_division_code
    year = registered_at.astimezone(CHINA_TZ).year

    # ON CONFLICT DO NOTHING: a concurrent first registration of the year may create the row too.
    await ProofCounter.bulk_create(
        [ProofCounter(region=region, year=year, last_number=0)], ignore_conflicts=True, using_db=connection
    )
    counter = ProofCounter.filter(region=region, year=year).using_db(connection)
    await counter.update(last_number=F("last_number") + 1)
    number = (await counter.get()).last_number

    proof_no = format_proof_no(settings.registry_province_abbr, year, settings.registry_city, number)
    log.info("proof number allocated", extra={"region": region, "year": year, "number": number})
    return proof_no
