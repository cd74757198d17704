"""Opening, authenticating, binding and closing kiosk sessions.

The bank opens a session for one device and one borrower, and gets a one-time kiosk token. The
kiosk sends that token with the device's id on every request. The bank later binds the session to
the application created from the consent the borrower granted at the kiosk.
"""

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from tortoise.transactions import in_transaction

from mortgage_cloud.errors import ValidationFailed, field_error
from mortgage_cloud.identifiers import normalize_id_number
from mortgage_cloud.infra import pii
from mortgage_cloud.infra.logging import mask_id_number
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.kiosk import errors
from mortgage_cloud.kiosk.evidence import Client, record_evidence
from mortgage_cloud.kiosk.models import KioskSession

log = logging.getLogger(__name__)

VALID_MINUTES_DEFAULT = 30
VALID_MINUTES_MIN = 5
VALID_MINUTES_MAX = 120
TOKEN_BYTES = 32
_DEVICE_ID_PATTERN = re.compile(r"[A-Za-z0-9._:\-]{1,64}")

OPEN = "open"
EXPIRED = "expired"
CLOSED = "closed"
SUPERSEDED = "superseded"  # closed_by value when a newer session on the same device replaced the session


@dataclass(frozen=True)
class OpenRequest:
    """The bank's request to open a kiosk session, validated."""

    device_id: str
    borrower_name: str
    id_number: str
    phone: str | None
    valid_minutes: int


def parse_open_request(body: dict[str, Any]) -> OpenRequest:
    """Validate the bank's opening request; raise a field error naming the first invalid field."""
    from mortgage_cloud.identity.service import normalize_name, normalize_phone

    try:
        name = normalize_name(body.get("borrower_name"))
    except ValidationFailed as error:
        raise field_error("borrower_name", error.message) from None
    phone = body.get("phone")
    return OpenRequest(
        device_id=normalize_device_id(body.get("device_id"), field="device_id"),
        borrower_name=name,
        id_number=normalize_id_number(body.get("id_number"), field="id_number"),
        phone=normalize_phone(phone) if phone not in (None, "") else None,
        valid_minutes=_valid_minutes(body.get("valid_minutes", VALID_MINUTES_DEFAULT)),
    )


def normalize_device_id(value: Any, *, field: str) -> str:
    """Return a device id of 1 to 64 letters, digits or `. _ : -`; raise a field error otherwise."""
    device_id = str(value or "").strip()
    if not _DEVICE_ID_PATTERN.fullmatch(device_id):
        raise field_error(field, "设备编号须为 1 至 64 位字母、数字或 . _ : - 字符。")
    return device_id


def _valid_minutes(value: Any) -> int:
    # bool is a subclass of int in Python, so `true` would otherwise pass as 1 minute.
    if isinstance(value, bool) or not isinstance(value, int) or not VALID_MINUTES_MIN <= value <= VALID_MINUTES_MAX:
        raise field_error("valid_minutes", f"会话有效期 valid_minutes 须为 {VALID_MINUTES_MIN} 至 "
                                           f"{VALID_MINUTES_MAX} 之间的整数分钟数。")
    return value


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which a kiosk token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def session_status(session: KioskSession) -> str:
    """Return open, expired or closed."""
    if session.closed_at is not None:
        return CLOSED
    if utcnow() >= session.expires_at:
        return EXPIRED
    return OPEN


def require_open(session: KioskSession) -> None:
    """Raise KIOSK_SESSION_CLOSED or KIOSK_SESSION_EXPIRED unless the session is open."""
    status = session_status(session)
    if status == CLOSED:
        raise errors.KioskSessionClosed()
    if status == EXPIRED:
        raise errors.KioskSessionExpired()


async def open_session(*, institution: Any, officer: Any, request: OpenRequest,
                       client: Client) -> tuple[KioskSession, str]:
    """Open a session for the device and the borrower, found or created by ID number; return it with its token.

    A device serves one borrower at a time, so the institution's sessions still open on the device are
    closed as superseded.
    """
    borrower = await find_or_create_borrower(request)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    async with in_transaction() as connection:
        await _supersede_open_sessions(institution_id=institution.id, device_id=request.device_id,
                                       connection=connection)
        session = await KioskSession.create(
            institution_id=institution.id, borrower_id=borrower.id, officer_id=officer.id if officer else None,
            device_id=request.device_id, token_sha256=hash_token(token),
            expires_at=utcnow() + timedelta(minutes=request.valid_minutes), using_db=connection,
        )
        await record_evidence(session, "opened", client=client, using_db=connection)

    log.info("kiosk session opened", extra={"kiosk_session_id": str(session.id), "device_id": request.device_id,
                                            "institution_id": str(institution.id),
                                            "id_number": mask_id_number(request.id_number)})
    return session, token


async def _supersede_open_sessions(*, institution_id: Any, device_id: str, connection: Any) -> None:
    earlier = await KioskSession.filter(institution_id=institution_id, device_id=device_id, closed_at__isnull=True,
                                        expires_at__gt=utcnow()).using_db(connection)
    for session in earlier:
        closed = await KioskSession.filter(id=session.id, closed_at__isnull=True).using_db(connection).update(
            closed_at=utcnow(), closed_by=SUPERSEDED)
        if closed:
            await record_evidence(session, "closed", using_db=connection)
            log.info("kiosk session superseded on its device", extra={"kiosk_session_id": str(session.id),
                                                                     "device_id": device_id})


async def find_or_create_borrower(request: OpenRequest) -> Any:
    """Return the borrower holding the ID number, creating one without a WeChat account if there is none."""
    from mortgage_cloud.identity.models import Borrower

    id_hash = pii.search_hash(request.id_number)
    async with runtime().cache.lock(f"kiosk-borrower:{id_hash}", timeout=10):
        borrower = await Borrower.filter(id_hash=id_hash).order_by("created_at").first()
        if borrower is None:
            borrower = await Borrower.create(
                name=request.borrower_name, id_number_enc=pii.encrypt(request.id_number), id_hash=id_hash,
                phone_enc=pii.encrypt(request.phone) if request.phone else None,
                phone_hash=pii.search_hash(request.phone) if request.phone else None,
            )
            log.info("borrower created at kiosk", extra={"borrower_id": str(borrower.id),
                                                         "id_number": mask_id_number(request.id_number)})
            return borrower

    if borrower.name != request.borrower_name:
        log.info("kiosk borrower name mismatch", extra={"borrower_id": str(borrower.id)})
        raise errors.KioskNameMismatch(field="borrower_name")
    return borrower


async def authenticate(*, token: str | None, device_id: str | None) -> KioskSession:
    """Return the open session of the token on the named device; otherwise raise an error whose code names the reason."""
    if not token:
        raise errors.KioskTokenMissing()
    if not device_id:
        raise errors.KioskDeviceMissing()

    session = await KioskSession.get_or_none(token_sha256=hash_token(token)).prefetch_related("institution",
                                                                                              "borrower")
    if session is None:
        raise errors.KioskTokenInvalid()
    if not hmac.compare_digest(session.device_id.encode(), device_id.encode()):
        log.warning("kiosk token used on another device", extra={"kiosk_session_id": str(session.id),
                                                                 "device_id": device_id[:64]})
        raise errors.KioskDeviceMismatch()
    require_open(session)
    return session


async def session_of_institution(*, institution: Any, session_id: str) -> KioskSession:
    """Return the institution's own session; another institution's looks the same as a missing one."""
    from mortgage_cloud.consent.service import parse_uuid

    session = await KioskSession.get_or_none(id=parse_uuid(session_id, field="session_id"),
                                             institution_id=institution.id).prefetch_related("borrower")
    if session is None:
        raise errors.KioskSessionNotFound()
    return session


async def bind_application(*, session: KioskSession, institution: Any, application_id: str, officer: Any,
                           client: Client) -> KioskSession:
    """Bind the open session to an application of the institution on which its borrower must sign."""
    from mortgage_cloud.applications.service import application_for_institution, is_party

    require_open(session)
    application = await application_for_institution(institution=institution, application_id=application_id)
    if not await is_party(application, session.borrower):
        log.info("kiosk bind to another borrower's application", extra={
            "kiosk_session_id": str(session.id), "application_id": str(application.id)})
        raise errors.KioskBorrowerMismatch(field="application_id")
    if session.application_id == application.id:
        return session
    if session.application_id is not None:
        raise errors.KioskAlreadyBound(application_id=str(session.application_id))

    bound = await KioskSession.filter(id=session.id, application_id__isnull=True).update(application_id=application.id)
    await session.refresh_from_db()
    if not bound and session.application_id != application.id:
        raise errors.KioskAlreadyBound(application_id=str(session.application_id))
    if bound:
        await record_evidence(session, "application_bound", client=client,
                              officer_id=officer.id if officer else None)
        log.info("kiosk session bound", extra={"kiosk_session_id": str(session.id),
                                               "application_id": str(application.id)})
    return session


async def close_session(*, session: KioskSession, closed_by: str, officer: Any = None,
                        client: Client | None = None) -> KioskSession:
    """Close the session so that its token stops working; closing twice is harmless."""
    closed = await KioskSession.filter(id=session.id, closed_at__isnull=True).update(closed_at=utcnow(),
                                                                                      closed_by=closed_by)
    await session.refresh_from_db()
    if closed:
        await record_evidence(session, "closed", client=client, officer_id=officer.id if officer else None)
        log.info("kiosk session closed", extra={"kiosk_session_id": str(session.id), "closed_by": closed_by})
    return session


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
