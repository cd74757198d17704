"""Key material for a new institution certificate: a platform CA certificate for ECDSA and RSA, a bare registration for SM2."""

import asyncio
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from mortgage_cloud.banks import keys
from mortgage_cloud.banks.models import SignatureAlgorithm
from mortgage_cloud.errors import field_error
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.settings import Settings, get_settings
from mortgage_cloud.signing.ca import PlatformCA

# SM2 keys get no X.509 certificate, so their registration carries its own validity period.
SM2_REGISTRATION_DAYS = 730
CERTIFICATE_VALID_DAYS = 730


@dataclass
class KeyMaterial:
    """A public key ready to register; `private_key_pem` is set only when the platform generated the key."""

    public_key_pem: str
    certificate_pem: str | None
    serial_no: str
    not_before: datetime
    not_after: datetime
    private_key_pem: str | None = field(default=None, repr=False)


async def prepare_key_material(
    *, algorithm: SignatureAlgorithm, name: str, uscc: str, csr_pem: str | None, public_key_pem: str | None
) -> KeyMaterial:
    """Check or generate the key for an algorithm and certify it; raise a field error on an unusable key."""
    if csr_pem and public_key_pem:
        raise field_error("csr_pem", "请只提交证书请求（CSR）或公钥其中之一。")
    if algorithm == SignatureAlgorithm.SM2_SM3:
        return await _sm2_material(csr_pem=csr_pem, public_key_pem=public_key_pem)
    return await _certified_material(algorithm=algorithm, name=name, uscc=uscc, csr_pem=csr_pem, public_key_pem=public_key_pem)


async def _sm2_material(*, csr_pem: str | None, public_key_pem: str | None) -> KeyMaterial:
    if csr_pem:
        raise field_error("csr_pem", "SM2 密钥无法由平台签发证书，请直接提交 SM2 公钥（PEM）。")

    private_key_pem = None
    if public_key_pem is None:
        private_key_pem = keys.generate_private_key_pem(SignatureAlgorithm.SM2_SM3)
        public_key_pem = keys.public_key_pem_from_private(private_key_pem, SignatureAlgorithm.SM2_SM3)
    try:
        public_key_pem = keys.normalise_public_key_pem(public_key_pem, SignatureAlgorithm.SM2_SM3)
    except keys.InvalidKey:
        raise field_error("public_key_pem", "公钥不是 SM2 曲线上的有效 PEM 公钥。") from None

    now = datetime.now(timezone.utc)
    return KeyMaterial(
        public_key_pem=public_key_pem,
        certificate_pem=None,
        serial_no=secrets.token_hex(16),
        not_before=now,
        not_after=now + timedelta(days=SM2_REGISTRATION_DAYS),
        private_key_pem=private_key_pem,
    )


async def _certified_material(
    *, algorithm: SignatureAlgorithm, name: str, uscc: str, csr_pem: str | None, public_key_pem: str | None
) -> KeyMaterial:
    private_key_pem = None
    public_key = None
    if csr_pem is None:
        if public_key_pem is None:
            # RSA-2048 key generation took about 60 ms on a 2-core x86 VM, too long for the event loop.
            private_key_pem = await asyncio.to_thread(keys.generate_private_key_pem, algorithm)
            public_key_pem = keys.public_key_pem_from_private(private_key_pem, algorithm)
        public_key = _checked_public_key(public_key_pem, algorithm)

    ca = await platform_ca()
    issued = ca.issue_organisation_certificate(
        name=name,
        uscc=uscc,
        public_key=public_key,
        csr_pem=csr_pem.encode() if csr_pem else None,
        valid_days=CERTIFICATE_VALID_DAYS,
    )
    certified_key_pem = issued.certificate.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    _checked_public_key(certified_key_pem, algorithm, field="csr_pem" if csr_pem else "public_key_pem")
    return KeyMaterial(
        public_key_pem=certified_key_pem,
        certificate_pem=issued.certificate_pem.decode(),
        serial_no=format(issued.certificate.serial_number, "x"),
        not_before=issued.certificate.not_valid_before_utc,
        not_after=issued.certificate.not_valid_after_utc,
        private_key_pem=private_key_pem,
    )


def ca_directory() -> Path:
    """Return the folder of the platform CA's key, certificate and CRL."""
    return _settings().data_dir / "ca"


async def platform_ca() -> PlatformCA:
    """Return the platform CA that certifies institution keys, created on first use."""
    return await PlatformCA.load_or_create(ca_directory(), data_key=_settings().data_key.get_secret_value())


def _settings() -> Settings:
    """Return the running server's settings, or the environment's for a command run outside the server."""
    try:
        return runtime().settings
    except RuntimeError:
        return get_settings()


def _checked_public_key(public_key_pem: str, algorithm: SignatureAlgorithm, *, field: str = "public_key_pem") -> Any:
    try:
        return keys.load_public_key(public_key_pem, algorithm)
    except keys.InvalidKey:
        raise field_error(field, f"密钥与所选算法 {algorithm.value} 不符：ECDSA 须为 P-256 曲线，RSA 须至少2048位。") from None
