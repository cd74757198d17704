"""Preparing a process for its first proof: the CJK font, the signing libraries and the registry's seal.

A fresh process would otherwise load them while its first proof waits: parsing the font, importing
pyHanko and drawing the seal took 0.86 s of CPU on the 2-core benchmark machine.
"""

import asyncio
import logging
import time
from datetime import datetime, timezone

log = logging.getLogger(__name__)


def warm_up_proofs(registry_name: str) -> None:
    """Parse the proof font, import the signing code and draw today's seal of the registry, in this thread."""
    started = time.perf_counter()

    from mortgage_cloud.documents.proof import proof_font
    from mortgage_cloud.signing.pades import prepare_seal_appearance

    proof_font()
    prepare_seal_appearance(registry_name, datetime.now(timezone.utc))
    log.info("proof issuing warmed up", extra={"seconds": round(time.perf_counter() - started, 3)})


async def warm_up_in_background(registry_name: str) -> None:
    """Warm up in a worker thread, so the process serves requests meanwhile."""
    try:
        await asyncio.to_thread(warm_up_proofs, registry_name)
    except Exception:
        log.exception("proof warm-up failed, the first proof will load what it needs itself")
