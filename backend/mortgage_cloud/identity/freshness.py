"""Find the borrower's fresh passed face verification, or the reason there is none.

Consent accepts a passed verification of any purpose within the freshness window. Signing accepts
only the latest decided signing verification, and only when it passed within the window, because
the person who faced the camera last must be the signer. An attempt that the provider did not decide
(a rate limit, an exhausted quota, a timeout, a photo without a clear face) never counts as a failure.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from mortgage_cloud.identity.models import FaceVerification
from mortgage_cloud.identity.service import latest_fresh_face_verification
from mortgage_cloud.infra.runtime import runtime

SIGNING = "signing"

# Reasons for the absence of a fresh passed verification, returned by the borrower API as `reason`.
REASON_NONE = "none"  # no decided verification at all
REASON_EXPIRED = "expired"  # the latest decided verification is older than the freshness window
REASON_NOT_MATCHED = "not_matched"  # the latest decided verification in the window failed
REASON_PROVIDER_ERROR = "provider_error"  # the provider failed on an attempt after the latest decided one
REASONS = (REASON_NONE, REASON_EXPIRED, REASON_NOT_MATCHED, REASON_PROVIDER_ERROR)

# `provider_error_code` of an attempt whose photo the provider could not judge, as identity.service
# records it ("photo_222202"). Such an attempt is the borrower's to retake, not a provider error.
UNUSABLE_PHOTO_PREFIX = "photo_"


@dataclass(frozen=True)
class FaceFreshness:
    """The passed verification that the next action would use, or the reason (one of REASONS) there is none."""

    verification: FaceVerification | None
    reason: str | None
    latest_decision: FaceVerification | None  # the latest decided verification in scope, passed or failed


async def face_freshness(*, borrower_id: Any, purpose: str) -> FaceFreshness:
    """Find the verification that lets the borrower sign (`purpose` "signing") or consent (any other value).

    The reason is "not_matched" only for a decided failure within the window, so a provider error
    after a failed match keeps "not_matched", and a provider error alone is "provider_error".
    """
    purposes = (SIGNING,) if purpose == SIGNING else None
    latest = await _latest_decision(borrower_id, purposes)
    if purpose == SIGNING:
        fresh = latest if latest is not None and latest.passed and _is_fresh(latest) else None
    else:
        fresh = await latest_fresh_face_verification(borrower_id=borrower_id,
                                                     max_age_seconds=runtime().settings.face_fresh_seconds)
    if fresh is not None:
        return FaceFreshness(verification=fresh, reason=None, latest_decision=latest)

    reason = await _reason_without_fresh_pass(borrower_id, purposes, latest)
    return FaceFreshness(verification=None, reason=reason, latest_decision=latest)


def _is_fresh(verification: FaceVerification) -> bool:
    return _utcnow() - verification.created_at <= _window()


async def _reason_without_fresh_pass(borrower_id: Any, purposes: tuple[str, ...] | None,
                                     latest: FaceVerification | None) -> str:
    if latest is not None and not latest.passed and _is_fresh(latest):
        return REASON_NOT_MATCHED
    if await _provider_error_after(borrower_id, purposes, latest):
        return REASON_PROVIDER_ERROR
    if latest is not None:
        return REASON_EXPIRED
    return REASON_NONE


async def _latest_decision(borrower_id: Any, purposes: tuple[str, ...] | None) -> FaceVerification | None:
    """Return the latest verification of `purposes` (None: any purpose) that the provider decided."""
    return await FaceVerification.filter(
        borrower_id=borrower_id, provider_error_code__isnull=True, **_purpose_filter(purposes)
    ).order_by("-created_at").first()


async def _provider_error_after(borrower_id: Any, purposes: tuple[str, ...] | None,
                                latest: FaceVerification | None) -> bool:
    """Tell whether the provider failed within the window on an attempt after the latest decided one."""
    since = _utcnow() - _window()
    if latest is not None and latest.created_at > since:
        since = latest.created_at
    return await FaceVerification.filter(
        borrower_id=borrower_id, provider_error_code__isnull=False, created_at__gt=since, **_purpose_filter(purposes)
    ).exclude(provider_error_code__startswith=UNUSABLE_PHOTO_PREFIX).exists()


def _purpose_filter(purposes: tuple[str, ...] | None) -> dict[str, Any]:
    return {} if purposes is None else {"purpose__in": purposes}


def _window() -> timedelta:
    return timedelta(seconds=runtime().settings.face_fresh_seconds)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)
