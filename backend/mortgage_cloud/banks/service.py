"""Onboarding of institutions, their officers, and the life of their API certificates: register, rotate, revoke."""

import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from tortoise.transactions import in_transaction

from mortgage_cloud.banks.key_material import KeyMaterial, ca_directory, platform_ca, prepare_key_material
from mortgage_cloud.banks.models import (
    CertificateStatus,
    Institution,
    InstitutionCertificate,
    InstitutionKind,
    InstitutionStatus,
    Officer,
    OfficerRole,
    RevocationReason,
    SignatureAlgorithm,
)
from mortgage_cloud.banks.officers import check_officer_phone, officer_phone_fields, parse_role
from mortgage_cloud.errors import Conflict, NotFound, ValidationFailed, field_error
from mortgage_cloud.identifiers import check_uscc
from mortgage_cloud.signing.crl import publish_crl

log = logging.getLogger(__name__)

SERIAL_PATTERN = re.compile(r"[0-9a-f]{1,64}")

ALGORITHM_ALIASES = {
    "ecdsa-p256": SignatureAlgorithm.ECDSA_P256_SHA256,
    "rsa-2048": SignatureAlgorithm.RSA_2048_SHA256,
    "sm2": SignatureAlgorithm.SM2_SM3,
}


class UsccCheckCharacterMismatch(ValidationFailed):
    code = "USCC_CHECK_CHARACTER_MISMATCH"
    message = "统一社会信用代码的校验位与计算结果不符。"


@dataclass
class OnboardingResult:
    """A registered certificate; `private_key_pem` is set only when the platform generated the key, and only here."""

    institution: Institution
    certificate: InstitutionCertificate
    private_key_pem: str | None = field(default=None, repr=False)
    warnings: list[str] = field(default_factory=list)

    @property
    def serial_no(self) -> str:
        return self.certificate.serial_no


def parse_algorithm(value: str) -> SignatureAlgorithm:
    """Accept an algorithm's full name or its short CLI name (ecdsa-p256, rsa-2048, sm2)."""
    if value in ALGORITHM_ALIASES:
        return ALGORITHM_ALIASES[value]
    try:
        return SignatureAlgorithm(value)
    except ValueError:
        names = ", ".join([*ALGORITHM_ALIASES, *(item.value for item in SignatureAlgorithm)])
        raise field_error("algorithm", f"不支持的签名算法“{value}”，可选：{names}。") from None


async def onboard_institution(
    *,
    name: str,
    uscc: str,
    kind: str,
    webhook_url: str | None = None,
    csr_pem: str | None = None,
    public_key_pem: str | None = None,
    algorithm: str = SignatureAlgorithm.ECDSA_P256_SHA256,
    accept_uscc_warning: bool = False,
) -> OnboardingResult:
    """Register an institution with its first API certificate; a failed USCC check character needs `accept_uscc_warning`."""
    name = _checked_name(name)
    kind = _checked_kind(kind)
    webhook_url = _checked_webhook_url(webhook_url)
    signature_algorithm = parse_algorithm(algorithm)
    code, warnings = _checked_uscc(uscc, accept_warning=accept_uscc_warning)
    if await Institution.exists(uscc=code):
        raise Conflict("该统一社会信用代码的机构已登记。", code="INSTITUTION_EXISTS", field="uscc")

    material = await prepare_key_material(
        algorithm=signature_algorithm, name=name, uscc=code, csr_pem=csr_pem, public_key_pem=public_key_pem
    )
    async with in_transaction() as connection:
        institution = await Institution.create(
            name=name, uscc=code, kind=kind, webhook_url=webhook_url, using_db=connection
        )
        certificate = await _save_certificate(institution, signature_algorithm, material, connection=connection)

    log.info(
        "institution onboarded",
        extra={"institution_id": str(institution.id), "serial_no": certificate.serial_no, "algorithm": str(signature_algorithm)},
    )
    return OnboardingResult(
        institution=institution, certificate=certificate, private_key_pem=material.private_key_pem, warnings=warnings
    )


async def rotate_certificate(
    *,
    institution_id: str | uuid.UUID,
    algorithm: str = SignatureAlgorithm.ECDSA_P256_SHA256,
    csr_pem: str | None = None,
    public_key_pem: str | None = None,
) -> OnboardingResult:
    """Register a new certificate beside the current ones; revoke the old serial once the bank has switched."""
    institution = await _institution(institution_id)
    signature_algorithm = parse_algorithm(algorithm)
    material = await prepare_key_material(
        algorithm=signature_algorithm,
        name=institution.name,
        uscc=institution.uscc,
        csr_pem=csr_pem,
        public_key_pem=public_key_pem,
    )
    certificate = await _save_certificate(institution, signature_algorithm, material)
    log.info("institution certificate added", extra={"institution_id": str(institution.id), "serial_no": certificate.serial_no})
    return OnboardingResult(institution=institution, certificate=certificate, private_key_pem=material.private_key_pem)


async def revoke_certificate(
    *,
    serial_no: str,
    reason: str = RevocationReason.UNSPECIFIED,
    institution_id: str | uuid.UUID | None = None,
) -> InstitutionCertificate:
    """Revoke a certificate so that requests signed with it are rejected and the CA's CRL lists it.

    With `institution_id` (an institution revoking through the API) the certificate must be that
    institution's and must not be its last active one. Revoking twice keeps the first reason.
    """
    revocation_reason = parse_revocation_reason(reason)
    certificate = await _certificate_by_serial(serial_no, institution_id=institution_id)
    if certificate.status != CertificateStatus.REVOKED:
        if institution_id is not None:
            await _require_other_active_certificate(certificate)
        certificate.status = CertificateStatus.REVOKED
        certificate.revoked_at = datetime.now(timezone.utc)
        certificate.revocation_reason = revocation_reason
        await certificate.save(update_fields=["status", "revoked_at", "revocation_reason"])
        log.info("institution certificate revoked", extra={"serial_no": certificate.serial_no,
                                                          "reason": str(revocation_reason)})
        await _publish_crl()
    return certificate


def parse_revocation_reason(value: object) -> RevocationReason:
    """Return the revocation reason named by `value`, or raise a field error listing the reasons."""
    try:
        return RevocationReason(str(value or ""))
    except ValueError:
        names = "、".join(item.value for item in RevocationReason)
        raise field_error("reason", f"吊销原因取值无效，可选：{names}。") from None


async def list_certificates(*, institution_id: uuid.UUID) -> list[dict[str, Any]]:
    """Describe the institution's certificates, oldest first, revoked ones included."""
    certificates = await InstitutionCertificate.filter(institution_id=institution_id).order_by("created_at", "id")
    return [describe_certificate(certificate) for certificate in certificates]


def describe_certificate(certificate: InstitutionCertificate) -> dict[str, Any]:
    """Describe a certificate for the bank API: serial, algorithm, validity, revocation and the PEM."""
    return {
        **_describe_certificate(certificate),
        "certificate_pem": certificate.certificate_pem,
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "revocation_reason": str(certificate.revocation_reason) if certificate.revocation_reason else None,
    }


async def _certificate_by_serial(serial_no: str, *, institution_id: str | uuid.UUID | None) -> InstitutionCertificate:
    serial = str(serial_no or "").strip().lower()
    if not SERIAL_PATTERN.fullmatch(serial):
        raise field_error("serial_no", "证书序列号须为 1 至 64 位十六进制数字。")
    query = InstitutionCertificate.filter(serial_no=serial)
    if institution_id is not None:
        query = query.filter(institution_id=(await _institution(institution_id)).id)
    certificate = await query.first()
    if certificate is None:
        raise NotFound("未找到该序列号的证书。", code="CERTIFICATE_NOT_FOUND", field="serial_no")
    return certificate


async def _require_other_active_certificate(certificate: InstitutionCertificate) -> None:
    # NOTE: two concurrent revocations of an institution's last two certificates can both pass this check.
    others = await InstitutionCertificate.filter(
        institution_id=certificate.institution_id, status=CertificateStatus.ACTIVE,
        not_after__gt=datetime.now(timezone.utc),
    ).exclude(id=certificate.id).count()
    if others == 0:
        raise Conflict(
            "这是本机构最后一张有效证书，吊销后将无法调用接口：请先轮换出新证书再吊销，或联系平台运营方吊销。",
            code="CERTIFICATE_LAST_ACTIVE", field="serial_no",
        )


async def _publish_crl() -> None:
    try:
        await publish_crl(await platform_ca(), ca_directory())
    except OSError as error:
        # The revocation is already stored, and the next CRL download signs a CRL that lists it.
        log.error("crl publication failed after revocation", extra={"error": str(error)})


async def set_institution_status(*, institution_id: str | uuid.UUID, status: str) -> Institution:
    """Suspend an institution's API access or restore it."""
    institution = await _institution(institution_id)
    try:
        institution.status = InstitutionStatus(status)
    except ValueError:
        raise field_error("status", "机构状态只能是 active 或 suspended。") from None
    await institution.save(update_fields=["status"])
    log.info("institution status changed", extra={"institution_id": str(institution.id), "status": status})
    return institution


async def set_webhook_url(*, institution_id: str | uuid.UUID, webhook_url: str | None) -> Institution:
    """Change where the institution's webhooks go, or stop new events with None.

    Deliveries read the URL when they run, so pending retries go to the new URL.
    """
    institution = await _institution(institution_id)
    institution.webhook_url = _checked_webhook_url(webhook_url)
    await institution.save(update_fields=["webhook_url"])
    log.info("institution webhook url changed", extra={"institution_id": str(institution.id),
                                                       "has_webhook_url": institution.webhook_url is not None})
    return institution


async def list_institutions() -> list[Institution]:
    """Return every institution, oldest first, with its certificates prefetched."""
    return await Institution.all().order_by("created_at").prefetch_related("certificates")


async def institution_profile(*, institution: Institution) -> dict[str, Any]:
    """Describe an institution and its certificates for the bank API."""
    certificates = await InstitutionCertificate.filter(institution_id=institution.id).order_by("created_at")
    return {
        "id": str(institution.id),
        "name": institution.name,
        "uscc": institution.uscc,
        "kind": str(institution.kind),
        "status": str(institution.status),
        "webhook_url": institution.webhook_url,
        "created_at": institution.created_at.isoformat(),
        "certificates": [_describe_certificate(certificate) for certificate in certificates],
    }


async def create_officer(
    *, institution_id: str | uuid.UUID, name: str, role: str = OfficerRole.LOAN_OFFICER, phone: str | None = None
) -> Officer:
    """Register an active officer of an institution. The phone number is stored encrypted, beside its search hash."""
    institution = await _institution(institution_id)
    if not name or not name.strip() or len(name.strip()) > 50:
        raise field_error("name", "经办人姓名不能为空，且不超过50个字。")
    officer_role = parse_role(role)
    phone = check_officer_phone(phone)
    officer = await Officer.create(
        institution=institution,
        name=name.strip(),
        role=officer_role,
        **officer_phone_fields(phone),
    )
    log.info("officer created", extra={"institution_id": str(institution.id), "officer_id": str(officer.id),
                                        "role": str(officer_role)})
    return officer


def _describe_certificate(certificate: InstitutionCertificate) -> dict[str, Any]:
    return {
        "serial_no": certificate.serial_no,
        "algorithm": str(certificate.algorithm),
        "status": str(certificate.status),
        "not_before": certificate.not_before.isoformat(),
        "not_after": certificate.not_after.isoformat(),
    }


async def institution_by_id(institution_id: str | uuid.UUID) -> Institution:
    """Return the institution with this id, or raise a field error for a malformed id and NotFound for an unknown one."""
    return await _institution(institution_id)


async def _institution(institution_id: str | uuid.UUID) -> Institution:
    try:
        parsed = uuid.UUID(str(institution_id))
    except ValueError:
        raise field_error("institution_id", "机构编号格式有误，应为 UUID。") from None
    institution = await Institution.get_or_none(id=parsed)
    if institution is None:
        raise NotFound("未找到该机构。", code="INSTITUTION_NOT_FOUND", field="institution_id")
    return institution


def _checked_name(name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise field_error("name", "机构名称不能为空，且不超过100个字。")
    return name


def _checked_kind(kind: str) -> InstitutionKind:
    try:
        return InstitutionKind(kind)
    except ValueError:
        raise field_error("kind", "机构类型只能是 bank（银行）或 fund_centre（公积金中心）。") from None


def _checked_webhook_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(url) > 500:
        raise field_error("webhook_url", "回调地址须为不超过500个字符的 http(s) 完整网址。")
    return url


def _checked_uscc(uscc: str, *, accept_warning: bool) -> tuple[str, list[str]]:
    result = check_uscc(uscc, field="uscc")
    if result.check_char_valid:
        return result.code, []

    warning = f"统一社会信用代码 {result.code} 的校验位应为 {result.expected_check_char}。"
    if not accept_warning:
        raise UsccCheckCharacterMismatch(
            f"{warning}部分早期试点地区颁发的代码校验位不符但仍合法；请对照营业执照核对，确认无误后再确认登记。",
            field="uscc",
            expected_check_char=result.expected_check_char,
        )
    log.warning("institution uscc check character mismatch accepted", extra={"uscc": result.code})
    return result.code, [warning]


async def _save_certificate(
    institution: Institution, algorithm: SignatureAlgorithm, material: KeyMaterial, *, connection: Any = None
) -> InstitutionCertificate:
    return await InstitutionCertificate.create(
        serial_no=material.serial_no,
        institution=institution,
        algorithm=algorithm,
        public_key_pem=material.public_key_pem,
        certificate_pem=material.certificate_pem,
        not_before=material.not_before,
        not_after=material.not_after,
        using_db=connection,
    )
