"""The borrower's steps at the kiosk: face check, lookup consent, document preview, signature and rating.

Each step reuses the mobile flow's services (identity, consent, applications) and appends evidence.
"""

import hashlib
import logging
from typing import Any

from mortgage_cloud.applications.models import Application
from mortgage_cloud.errors import ProviderUnavailable, field_error
from mortgage_cloud.identity.face import FacePhotoUnusable
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.kiosk import errors
from mortgage_cloud.kiosk.evidence import (
    Client, fresh_face_check, is_fresh, latest_decided_face_check, latest_of_kind, record_evidence,
)
from mortgage_cloud.kiosk.models import KioskSession

log = logging.getLogger(__name__)

# The kiosk's face checks count as signing checks, because signing accepts only those and the
# borrower who faces the kiosk camera is about to consent or sign in front of the officer.
FACE_PURPOSE = "signing"
CONSENT_PURPOSE_DEFAULT = "办理个人住房贷款抵押登记"
CONSENT_DAYS_DEFAULT = 30
MAX_COMMENT_CHARS = 500

# 好差评: the five levels of the government service rating scheme.
RATINGS = {
    "very_satisfied": "非常满意",
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "dissatisfied": "不满意",
    "very_dissatisfied": "非常不满意",
}


async def check_face(*, session: KioskSession, image: bytes, client: Client) -> Any:
    """Verify the borrower's live face against the ID photo and record the outcome as evidence.

    A provider error or a photo without a clear face is recorded with its code and re-raised, because
    the provider decided nothing and so it is not a failed check.
    """
    from mortgage_cloud.identity.service import verify_face

    try:
        verification = await verify_face(borrower=session.borrower, image=image, purpose=FACE_PURPOSE)
    except ProviderUnavailable as error:
        await record_evidence(session, "face_check", client=client,
                              provider_error_code=str(error.context.get("provider_error", "unknown"))[:32])
        raise
    except FacePhotoUnusable as error:
        await record_evidence(session, "face_check", client=client,
                              provider_error_code=f"photo_{error.context.get('provider_code', 'unknown')}"[:32])
        raise

    await record_evidence(session, "face_check", client=client, face_verification_id=verification.id,
                          liveness_passed=verification.liveness_passed, face_passed=verification.passed,
                          match_score=verification.match_score)
    return verification


async def require_fresh_face(session: KioskSession) -> Any:
    """Return the session's fresh passed face check, or raise an error for the reason there is none.

    FACE_NOT_MATCHED when the session's latest decided check failed within the freshness window,
    KIOSK_FACE_CHECK_REQUIRED when the session has no decided check or its latest one is too old.
    """
    face = await fresh_face_check(session)
    if face is not None:
        return face

    latest = await latest_decided_face_check(session)
    if latest is not None and not latest.face_passed and is_fresh(latest):
        log.info("kiosk step rejected: latest face check failed",
                 extra={"kiosk_session_id": str(session.id), "evidence_id": latest.id})
        raise errors.KioskFaceNotMatched()
    raise errors.KioskFaceCheckRequired(fresh_seconds=runtime().settings.face_fresh_seconds)


async def consent_agreement(session: KioskSession) -> dict[str, Any]:
    """Return the lookup consent text the borrower would accept now, with its version and SHA-256."""
    from mortgage_cloud.consent.service import preview_agreement

    preview = await preview_agreement(borrower=session.borrower, institution_id=str(session.institution_id),
                                      purpose=CONSENT_PURPOSE_DEFAULT, valid_days=CONSENT_DAYS_DEFAULT)
    return {**preview, "purpose": CONSENT_PURPOSE_DEFAULT, "valid_days": CONSENT_DAYS_DEFAULT,
            "institution_name": session.institution.name}


async def grant_consent(*, session: KioskSession, shown_sha256: str | None, client: Client) -> tuple[Any, str]:
    """Grant the session's institution a lookup consent after a fresh face check at this kiosk.

    With `shown_sha256`, the digest of the text the page showed, the grant is rejected when the text
    to be recorded differs, for example because the expiry date moved past midnight.
    """
    from mortgage_cloud.consent.service import ClientInfo
    from mortgage_cloud.consent.service import grant_consent as grant

    async with runtime().cache.lock(f"kiosk:{session.id}", timeout=30):
        earlier = await latest_of_kind(session, "consent")
        if earlier is not None:
            raise errors.KioskConsentExists(consent_id=str(earlier.consent_id))
        face = await require_fresh_face(session)
        if shown_sha256 is not None and shown_sha256 != (await consent_agreement(session))["agreement_sha256"]:
            log.info("kiosk consent rejected: agreement text changed", extra={"kiosk_session_id": str(session.id)})
            raise errors.KioskAgreementChanged(field="agreement_sha256")

        consent, text = await grant(
            borrower=session.borrower, institution_id=str(session.institution_id), purpose=CONSENT_PURPOSE_DEFAULT,
            valid_days=CONSENT_DAYS_DEFAULT, client=ClientInfo(ip=client.ip, user_agent=client.user_agent),
        )
        await record_evidence(session, "consent", client=client, consent_id=consent.id,
                              agreement_sha256=consent.agreement_sha256,
                              face_verification_id=face.face_verification_id)
    return consent, text


async def bound_application(session: KioskSession) -> Application:
    """Return the application the session is bound to, or raise KIOSK_APPLICATION_NOT_BOUND."""
    if session.application_id is None:
        raise errors.KioskApplicationNotBound()
    return await Application.get(id=session.application_id)


async def sign(*, session: KioskSession, signature_image: bytes, client: Client) -> Any:
    """Sign every document as the session's borrower, with the face check taken at this kiosk.

    The face check that the signing service accepts must be this session's, so that a check passed
    on a phone or on another device cannot stand in for the person in front of this kiosk. Raise
    FACE_NOT_MATCHED when the borrower's latest signing face check failed within the freshness window,
    otherwise KIOSK_FACE_CHECK_REQUIRED when this session has no fresh passed check.
    """
    from mortgage_cloud.applications.signing import (
        FaceNotMatched, sign_as_mortgagor, signing_face_rejection, signing_face_verification,
    )

    application = await bound_application(session)
    face = await fresh_face_check(session)
    latest = await signing_face_verification(borrower_id=session.borrower_id)
    if face is None or latest is None or latest.id != face.face_verification_id:
        face_error = await signing_face_rejection(borrower_id=session.borrower_id)
        if isinstance(face_error, FaceNotMatched):
            raise face_error
        log.info("kiosk signature rejected: no fresh passed signing face check from this session",
                 extra={"kiosk_session_id": str(session.id)})
        raise errors.KioskFaceCheckRequired(fresh_seconds=runtime().settings.face_fresh_seconds)

    signer = await sign_as_mortgagor(application=application, borrower=session.borrower,
                                     signature_image=signature_image)
    image_sha256 = hashlib.sha256(signature_image).hexdigest()
    storage_key = f"kiosk/{session.id}/signature-{image_sha256[:16]}.png"
    await runtime().storage.put(storage_key, signature_image)
    await record_evidence(session, "signature", client=client, face_verification_id=signer.face_verification_id,
                          signature_image_sha256=image_sha256, signature_storage_key=storage_key)
    return signer


def parse_rating(body: dict[str, Any]) -> tuple[str, str | None]:
    """Return the rating code and the trimmed comment (None when empty); raise a field error otherwise."""
    rating = body.get("rating")
    if rating not in RATINGS:
        raise field_error("rating", "评价须为以下之一：" + "、".join(f"{code}（{label}）" for code, label in RATINGS.items())
                          + "。")
    comment = body.get("comment")
    if comment is None:
        return rating, None
    if not isinstance(comment, str) or len(comment.strip()) > MAX_COMMENT_CHARS:
        raise field_error("comment", f"评价意见须为文字，最多 {MAX_COMMENT_CHARS} 字。")
    return rating, comment.strip() or None


async def rate(*, session: KioskSession, rating: str, comment: str | None, client: Client) -> Any:
    """Record the borrower's rating of this visit; a session takes one rating."""
    async with runtime().cache.lock(f"kiosk:{session.id}", timeout=30):
        if await latest_of_kind(session, "rating") is not None:
            raise errors.KioskRatingExists()
        evidence = await record_evidence(session, "rating", client=client, rating=rating, comment=comment)
    log.info("kiosk rating recorded", extra={"kiosk_session_id": str(session.id), "rating": rating})
    return evidence
