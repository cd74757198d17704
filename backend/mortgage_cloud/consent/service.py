"""Granting, revoking and checking lookup consents, and the consent-gated property query."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import UUID

from mortgage_cloud.consent.agreement import AGREEMENT_VERSION, agreement_sha256, render_agreement
from mortgage_cloud.consent.models import Consent, PropertyQueryLog
from mortgage_cloud.errors import AppError, Forbidden, NotFound, field_error
from mortgage_cloud.infra.runtime import runtime

log = logging.getLogger(__name__)

SCOPE_PROPERTY_QUERY = "property_query"
MAX_VALID_DAYS = 90


class ConsentInvalid(AppError):
    status = 403
    code = "CONSENT_INVALID"
    message = "没有有效的委托查询授权：授权不存在、已过期或已撤回。请借款人在小程序中重新授权。"


@dataclass(frozen=True)
class ClientInfo:
    ip: str | None
    user_agent: str | None


def now() -> datetime:
    return datetime.now(timezone.utc)


async def grant_consent(
    *, borrower: Any, institution_id: str, purpose: str, valid_days: int, client: ClientInfo
) -> tuple[Consent, str]:
    """Record a consent after checking identity and a fresh face verification; return it with its text."""
    from mortgage_cloud.identity.service import latest_fresh_face_verification

    granted_at = now()
    institution, purpose, expires_at, text = await _agreement_for(
        borrower=borrower, institution_id=institution_id, purpose=purpose, valid_days=valid_days, at=granted_at
    )
    verification = await latest_fresh_face_verification(
        borrower_id=borrower.id, max_age_seconds=runtime().settings.face_fresh_seconds
    )
    if verification is None:
        raise Forbidden("授权前须在有效期内完成人脸核验，请重新核验。", code="FACE_NOT_FRESH")

    consent = await Consent.create(
        borrower_id=borrower.id,
        institution_id=institution.id,
        scope=SCOPE_PROPERTY_QUERY,
        purpose=purpose,
        granted_at=granted_at,
        expires_at=expires_at,
        agreement_version=AGREEMENT_VERSION,
        agreement_sha256=agreement_sha256(text),
        face_verification_id=verification.id,
        client_ip=client.ip,
        user_agent=(client.user_agent or "")[:255] or None,
    )
    log.info("consent granted", extra={"consent_id": str(consent.id), "institution_id": str(institution.id)})
    return consent, text


async def preview_agreement(*, borrower: Any, institution_id: str, purpose: str, valid_days: int) -> dict[str, Any]:
    """Return the agreement text the borrower would accept now, with its version and SHA-256, without granting."""
    _, _, expires_at, text = await _agreement_for(
        borrower=borrower, institution_id=institution_id, purpose=purpose, valid_days=valid_days, at=now()
    )
    return {"agreement_text": text, "agreement_version": AGREEMENT_VERSION,
            "agreement_sha256": agreement_sha256(text), "expires_at": expires_at.isoformat()}


async def _agreement_for(
    *, borrower: Any, institution_id: str, purpose: str, valid_days: int, at: datetime
) -> tuple[Any, str, datetime, str]:
    """Validate a grant's fields and render its agreement; return the institution, purpose, expiry and text."""
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise field_error("valid_days", f"授权有效期须为 1 至 {MAX_VALID_DAYS} 天。")
    purpose = purpose.strip()
    if not 2 <= len(purpose) <= 200:
        raise field_error("purpose", "请填写查询用途（2 至 200 个字）。")
    if borrower.identity_verified_at is None:
        raise Forbidden("请先完成实名认证和人脸核验，再进行授权。", code="IDENTITY_NOT_VERIFIED")

    institution = await _active_institution(institution_id)
    expires_at = at + timedelta(days=valid_days)
    text = render_agreement(
        borrower_name=borrower.name,
        institution_name=institution.name,
        institution_uscc=institution.uscc,
        registry_name=runtime().settings.registry_name,
        purpose=purpose,
        expires_on=expires_at.astimezone(timezone(timedelta(hours=8))).strftime("%Y年%m月%d日"),
    )
    return institution, purpose, expires_at, text


async def _active_institution(institution_id: str) -> Any:
    from mortgage_cloud.banks.models import Institution

    institution = await Institution.get_or_none(id=parse_uuid(institution_id, field="institution_id"))
    if institution is None or institution.status != "active":
        raise NotFound("未找到该金融机构，或其已暂停服务。", code="INSTITUTION_NOT_FOUND", field="institution_id")
    return institution


async def revoke_consent(*, borrower: Any, consent_id: str) -> Consent:
    """Revoke one of the borrower's own consents; revoking twice is harmless."""
    consent = await Consent.get_or_none(id=parse_uuid(consent_id, field="consent_id"), borrower_id=borrower.id)
    if consent is None:
        raise NotFound("未找到该授权。", code="CONSENT_NOT_FOUND")
    if consent.revoked_at is None:
        consent.revoked_at = now()
        await consent.save(update_fields=["revoked_at"])
        log.info("consent revoked", extra={"consent_id": str(consent.id)})
    return consent


def is_valid(consent: Consent, *, at: datetime | None = None) -> bool:
    """Return whether the consent is unrevoked and unexpired at the given time."""
    moment = at or now()
    return consent.revoked_at is None and consent.granted_at <= moment < consent.expires_at


async def require_valid_consent(*, consent_ref: str, institution_id: Any) -> Consent:
    """Return the institution's valid consent; raise CONSENT_INVALID for any other case alike."""
    consent_id = _uuid_or_none(consent_ref)
    consent = None
    if consent_id is not None:
        consent = await Consent.get_or_none(id=consent_id, institution_id=institution_id)
    if consent is None or not is_valid(consent):
        raise ConsentInvalid()
    return consent


async def query_properties(*, institution: Any, consent_ref: str, request_id: str | None) -> list[dict[str, Any]]:
    """Return the consenting borrower's properties with status; log the query whatever its outcome."""
    from mortgage_cloud.consent.views import property_view
    from mortgage_cloud.identity.models import Borrower
    from mortgage_cloud.registry.service import units_owned_by

    try:
        consent = await require_valid_consent(consent_ref=consent_ref, institution_id=institution.id)
    except ConsentInvalid:
        await _log_query(institution=institution, consent=None, consent_ref=consent_ref, outcome="CONSENT_INVALID",
                         unit_count=0, request_id=request_id)
        raise

    borrower = await Borrower.get(id=consent.borrower_id)
    snapshots = await units_owned_by(borrower.id_hash)
    views = [property_view(snapshot, mortgagor_id_hashes={borrower.id_hash}) for snapshot in snapshots]
    await _log_query(institution=institution, consent=consent, consent_ref=consent_ref, outcome="ok",
                     unit_count=len(views), request_id=request_id)
    return views


async def _log_query(
    *, institution: Any, consent: Consent | None, consent_ref: str, outcome: str, unit_count: int, request_id: str | None
) -> None:
    await PropertyQueryLog.create(
        institution_id=institution.id,
        consent=consent,
        consent_ref=consent_ref[:64],
        outcome=outcome,
        unit_count=unit_count,
        request_id=request_id,
    )
    log.info("property query", extra={"consent_ref": consent_ref[:64], "outcome": outcome, "unit_count": unit_count})


def parse_uuid(value: Any, *, field: str) -> UUID:
    """Parse a UUID from input, raising a validation error that names the field."""
    parsed = _uuid_or_none(value)
    if parsed is None:
        raise field_error(field, f"{field} 格式有误，应为 UUID。")
    return parsed


def _uuid_or_none(value: Any) -> UUID | None:
    try:
        return UUID(str(value))
    except (ValueError, TypeError):
        return None


async def consents_of(borrower: Any) -> list[Consent]:
    """Return the borrower's consents, newest first."""
    return await Consent.filter(borrower_id=borrower.id).order_by("-granted_at").prefetch_related("institution")

