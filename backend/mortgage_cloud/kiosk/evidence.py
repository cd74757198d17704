"""Appending evidence rows to a kiosk session, and reading back its latest face check."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.kiosk.models import KioskEvidence, KioskSession

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Client:
    """The caller of a request, as this server saw it."""

    ip: str | None
    user_agent: str | None


async def record_evidence(session: KioskSession, kind: str, *, client: Client | None = None,
                          officer_id: Any = None, using_db: Any = None, **fields: Any) -> KioskEvidence:
    """Append one evidence row for the session, on the session's device."""
    evidence = await KioskEvidence.create(
        session_id=session.id,
        kind=kind,
        device_id=session.device_id,
        officer_id=officer_id if officer_id is not None else session.officer_id,
        application_id=fields.pop("application_id", session.application_id),
        client_ip=client.ip if client else None,
        user_agent=((client.user_agent or "")[:255] or None) if client else None,
        using_db=using_db,
        **fields,
    )
    log.info("kiosk evidence recorded", extra={"kiosk_session_id": str(session.id), "evidence_kind": kind,
                                               "evidence_id": evidence.id})
    return evidence


async def evidence_of(session: KioskSession) -> list[KioskEvidence]:
    """Return the session's evidence rows, oldest first."""
    return await KioskEvidence.filter(session_id=session.id).order_by("id")


async def fresh_face_check(session: KioskSession) -> KioskEvidence | None:
    """Return the session's latest decided face check if it passed within the face freshness window.

    A provider error is not a decision, so it neither passes nor cancels an earlier pass. A failed
    check after a pass cancels it, because the person who faced the camera last must be the one who acts.
    """
    latest = await latest_decided_face_check(session)
    if latest is None or not latest.face_passed or not is_fresh(latest):
        return None
    return latest


async def latest_decided_face_check(session: KioskSession) -> KioskEvidence | None:
    """Return the session's latest face check that the provider decided, passed or failed."""
    return await KioskEvidence.filter(session_id=session.id, kind="face_check",
                                      provider_error_code__isnull=True).order_by("-id").first()


def is_fresh(face_check: KioskEvidence) -> bool:
    """Tell whether a face check was recorded within the face freshness window."""
    return _utcnow() - face_check.recorded_at <= timedelta(seconds=runtime().settings.face_fresh_seconds)


async def latest_of_kind(session: KioskSession, kind: str) -> KioskEvidence | None:
    """Return the session's latest evidence row of one kind."""
    return await KioskEvidence.filter(session_id=session.id, kind=kind).order_by("-id").first()


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)
