"""Identity services: the declared identity, face verification and its freshness."""

import logging
import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from mortgage_cloud.errors import AppError, Conflict, ProviderUnavailable, field_error
from mortgage_cloud.identifiers import normalize_id_number
from mortgage_cloud.identity.branch_claim import branch_borrower, claim_branch_borrower
from mortgage_cloud.identity.face import BaiduFaceVerifier, FacePhotoUnusable, FaceResult, FaceVerifier
from mortgage_cloud.identity.models import Borrower, FaceVerification
from mortgage_cloud.infra import pii
from mortgage_cloud.infra.logging import mask_id_number, mask_phone
from mortgage_cloud.infra.runtime import runtime

log = logging.getLogger(__name__)

PURPOSES = ("login", "signing")
INVALID_PURPOSE_MESSAGE = "核验用途 purpose 只能是 login（登录）或 signing（签署），请修改后重试。"
MAX_FAILURES_PER_DAY = 5
_NAME_PATTERN = re.compile(r"^[\u4e00-\u9fff·]{2,20}$|^[A-Za-z][A-Za-z .'-]{1,62}[A-Za-z]$")
_PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


class FaceAttemptsExceeded(AppError):
    status = 429
    code = "FACE_ATTEMPTS_EXCEEDED"
    message = f"24 小时内人脸核验失败已达 {MAX_FAILURES_PER_DAY} 次，请明天再试或到银行网点办理。"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def normalize_name(value: Any) -> str:
    """Return a person's name as written on the ID card; raise a field error naming `name` otherwise."""
    name = str(value or "").strip()
    if not _NAME_PATTERN.match(name):
        raise field_error("name", "请填写与身份证一致的姓名（2 至 20 个汉字，少数民族姓名可含“·”）。")
    return name


def normalize_phone(value: Any) -> str:
    """Return an 11-digit mainland mobile number; raise a field error naming `phone` otherwise."""
    phone = re.sub(r"[\s-]", "", str(value or ""))
    phone = phone.removeprefix("+86")
    if not _PHONE_PATTERN.match(phone):
        raise field_error("phone", "请填写 11 位中国大陆手机号码。")
    return phone


async def update_identity(*, borrower: Borrower, name: str, id_number: str, phone: str) -> Borrower:
    """Store the declared identity encrypted; it counts as verified only after a passed face verification."""
    name = normalize_name(name)
    id_number = normalize_id_number(id_number, field="id_number")
    phone = normalize_phone(phone)
    id_hash = pii.search_hash(id_number)

    if borrower.identity_verified_at is not None and (id_hash != borrower.id_hash or name != borrower.name):
        raise Conflict("实名信息已通过人脸核验，不能再修改姓名或身份证号码。", code="IDENTITY_LOCKED")
    others = await Borrower.filter(id_hash=id_hash).exclude(id=borrower.id).count()
    branch = await branch_borrower(id_hash=id_hash, other_than=borrower)
    # A record a bank branch registered is joined to this login after the face check, see branch_claim.
    if others > (1 if branch is not None else 0):
        raise Conflict("该身份证号码已绑定其他微信账号，请用原微信账号登录，或联系客服处理。",
                       code="ID_NUMBER_TAKEN", field="id_number")

    borrower.name = name
    borrower.id_number_enc = pii.encrypt(id_number)
    borrower.id_hash = id_hash
    borrower.phone_enc = pii.encrypt(phone)
    borrower.phone_hash = pii.search_hash(phone)
    await borrower.save()
    log.info("identity declared", extra={"borrower_id": str(borrower.id), "id_number": mask_id_number(id_number)})
    return borrower


def face_verifier() -> FaceVerifier:
    """Return this process's face verifier (Baidu's protocol at `settings.face_api_base` unless one was set)."""
    extras = runtime().extras
    if "face_verifier" not in extras:
        extras["face_verifier"] = BaiduFaceVerifier(runtime().settings)
    return extras["face_verifier"]


def set_face_verifier(verifier: FaceVerifier) -> None:
    """Replace this process's face verifier (the demo and tests point it at another provider)."""
    runtime().extras["face_verifier"] = verifier


async def count_failed_face_verifications(*, borrower_id: uuid.UUID | str, since: datetime) -> int:
    """Count the borrower's failed verifications since a time; provider errors are not failures."""
    return await FaceVerification.filter(
        borrower_id=borrower_id, passed=False, provider_error_code__isnull=True, created_at__gte=since
    ).count()


async def verify_face(*, borrower: Borrower, image: bytes, purpose: str) -> FaceVerification:
    """Verify the borrower's live face against their ID photo and record the decision.

    Raise ProviderUnavailable when the provider fails: that attempt is recorded with the provider's
    error code and does not count against the borrower's daily failure limit.
    """
    if purpose not in PURPOSES:
        raise field_error("purpose", INVALID_PURPOSE_MESSAGE)
    if not borrower.id_number_enc or not borrower.name:
        raise Conflict("请先填写姓名、身份证号码和手机号码，再进行人脸核验。", code="IDENTITY_MISSING")
    failures = await count_failed_face_verifications(borrower_id=borrower.id, since=utcnow() - timedelta(days=1))
    if failures >= MAX_FAILURES_PER_DAY:
        raise FaceAttemptsExceeded()

    try:
        result = await face_verifier().verify(image=image, name=borrower.name, id_number=pii.decrypt(borrower.id_number_enc))
    except ProviderUnavailable as error:
        await _record_provider_error(borrower=borrower, purpose=purpose, error=error)
        raise
    except FacePhotoUnusable as error:
        await _record_undecided(borrower=borrower, purpose=purpose, code=f"photo_{error.context['provider_code']}")
        raise

    verification = await _record(borrower=borrower, purpose=purpose, result=result)
    if result.passed and borrower.identity_verified_at is None:
        borrower.identity_verified_at = verification.created_at
        await borrower.save(update_fields=["identity_verified_at"])
        claimed = await claim_branch_borrower(borrower)
        verification.borrower_id = claimed.id
    return verification


async def _record(*, borrower: Borrower, purpose: str, result: FaceResult) -> FaceVerification:
    verification = await FaceVerification.create(
        borrower_id=borrower.id, purpose=purpose, provider=result.provider, model_version=result.model_version,
        liveness_passed=result.liveness_passed, match_score=result.score,
        threshold=runtime().settings.face_match_threshold, passed=result.passed,
    )
    log.info("face verification decided", extra={
        "borrower_id": str(borrower.id), "verification_id": str(verification.id), "purpose": purpose,
        "passed": result.passed, "liveness_passed": result.liveness_passed, "provider": result.provider,
        "model_version": result.model_version, "provider_code": result.error_code,
    })
    return verification


async def _record_provider_error(*, borrower: Borrower, purpose: str, error: ProviderUnavailable) -> None:
    await _record_undecided(borrower=borrower, purpose=purpose,
                            code=str(error.context.get("provider_error", "unknown"))[:32])


async def _record_undecided(*, borrower: Borrower, purpose: str, code: str) -> None:
    """Keep an attempt the provider did not decide, so it is audited but counts neither as a pass nor a failure."""
    verification = await FaceVerification.create(
        borrower_id=borrower.id, purpose=purpose, provider="baidu", model_version="", passed=False,
        provider_error_code=code,
    )
    log.warning("face verification not decided", extra={
        "borrower_id": str(borrower.id), "verification_id": str(verification.id), "provider_error": code,
    })


async def latest_fresh_face_verification(*, borrower_id: uuid.UUID | str, max_age_seconds: int) -> FaceVerification | None:
    """Return the borrower's latest passed face verification if it is at most `max_age_seconds` old."""
    since = utcnow() - timedelta(seconds=max_age_seconds)
    return await FaceVerification.filter(borrower_id=borrower_id, passed=True, created_at__gte=since).order_by(
        "-created_at"
    ).first()


def profile(borrower: Borrower) -> dict[str, Any]:
    """Return the borrower's own view of their profile, with ID and phone numbers masked."""
    id_number = pii.decrypt(borrower.id_number_enc) if borrower.id_number_enc else None
    phone = pii.decrypt(borrower.phone_enc) if borrower.phone_enc else None
    return {
        "id": str(borrower.id),
        "name": borrower.name or None,
        "id_number_masked": mask_id_number(id_number) or None,
        "phone_masked": mask_phone(phone) or None,
        "identity_declared": id_number is not None,
        "identity_verified": borrower.identity_verified_at is not None,
        "identity_verified_at": borrower.identity_verified_at.isoformat() if borrower.identity_verified_at else None,
    }
