"""The hash chain over a unit's register entries: appending an entry and verifying the chain."""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from mortgage_cloud.registry.models import RegisterEntry

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64  # the prev_hash of a unit's first entry


@dataclass(frozen=True)
class ChainCheck:
    """The result of verifying one unit's chain; `first_bad_seq` is None when it is intact."""

    ok: bool
    entries: int
    first_bad_seq: int | None = None


def canonical_time(moment: datetime) -> str:
    """Format a time as UTC ISO 8601 with microseconds, the form both databases give back unchanged."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def compute_entry_hash(
    *, prev_hash: str, unit_no: str, seq: int, kind: str, payload: dict[str, Any], recorded_at: datetime,
    recorded_by: str,
) -> str:
    """Hash an entry: SHA-256 over the previous hash followed by the canonical JSON of the entry's fields."""
    fields = {
        "unit_no": unit_no,
        "seq": seq,
        "kind": kind,
        "payload": payload,
        "recorded_at": canonical_time(recorded_at),
        "recorded_by": recorded_by,
    }
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(prev_hash.encode() + canonical.encode()).hexdigest()


async def append_entry(
    *, unit_no: str, kind: str, payload: dict[str, Any], recorded_by: str, connection: Any,
    recorded_at: datetime | None = None,
) -> RegisterEntry:
    """Append an entry to the unit's chain inside the caller's transaction.

    Two writers that read the same last entry both try the same `seq`. The unique (unit_no, seq)
    constraint makes the second one fail with IntegrityError, so its caller retries the transaction.
    """
    recorded_at = recorded_at or datetime.now(timezone.utc)
    last = await (
        RegisterEntry.filter(unit_no=unit_no).using_db(connection).order_by("-seq").only("seq", "entry_hash").first()
    )
    seq = 1 if last is None else last.seq + 1
    prev_hash = GENESIS_HASH if last is None else last.entry_hash

    entry_hash = compute_entry_hash(prev_hash=prev_hash, unit_no=unit_no, seq=seq, kind=kind, payload=payload,
                                    recorded_at=recorded_at, recorded_by=recorded_by)
    entry = await RegisterEntry.create(
        unit_no=unit_no, seq=seq, kind=kind, payload=payload, prev_hash=prev_hash, entry_hash=entry_hash,
        recorded_at=recorded_at, recorded_by=recorded_by, using_db=connection,
    )
    log.info("register entry appended", extra={"unit_no": unit_no, "seq": seq, "kind": kind})
    return entry


async def verify_chain(unit_no: str) -> ChainCheck:
    """Recompute every hash of the unit's chain and report the first entry that does not match."""
    entries = await RegisterEntry.filter(unit_no=unit_no).order_by("seq")
    prev_hash = GENESIS_HASH

    for expected_seq, entry in enumerate(entries, start=1):
        recomputed = compute_entry_hash(
            prev_hash=prev_hash, unit_no=entry.unit_no, seq=entry.seq, kind=entry.kind, payload=entry.payload,
            recorded_at=entry.recorded_at, recorded_by=entry.recorded_by,
        )
        if entry.seq != expected_seq or entry.prev_hash != prev_hash or entry.entry_hash != recomputed:
            log.warning("register chain broken", extra={"unit_no": unit_no, "seq": entry.seq})
            return ChainCheck(ok=False, entries=len(entries), first_bad_seq=entry.seq)
        prev_hash = entry.entry_hash

    return ChainCheck(ok=True, entries=len(entries))
