"""Periodic clean-up that every process runs in the background: expired idempotency records."""

import asyncio
import logging
from datetime import timedelta

from mortgage_cloud.infra.runtime import runtime

log = logging.getLogger(__name__)


async def run_maintenance() -> int:
    """Delete idempotency records older than the retention period; return how many were deleted."""
    from mortgage_cloud.banks.idempotency import purge_idempotency_records

    hours = runtime().settings.idempotency_retention_hours
    deleted = await purge_idempotency_records(older_than=timedelta(hours=hours))
    if deleted:
        log.info("idempotency records purged", extra={"count": deleted, "retention_hours": hours})
    return deleted


async def maintain_forever(*, interval_seconds: float = 3600.0) -> None:
    """Run the clean-up now and then once per interval. Several processes may run it, and deleting twice is harmless."""
    while True:
        try:
            await run_maintenance()
        except Exception:
            log.exception("maintenance failed")
        await asyncio.sleep(interval_seconds)
