"""The platform's certificate authority: event certificates for people, organisation certificates, and CRLs.

The root key is an EC P-256 key created once under `<data_dir>/ca/`, stored as PKCS#8 PEM encrypted
with a password derived from `MC_DATA_KEY`. Event certificates follow the practice of Chinese
e-signature services: a fresh key pair per signing, bound to the face-verified person and valid
for minutes. SM2 keys cannot be certified here because `cryptography` (version 50) has no SM2,
so SM2 stays limited to API request signatures.
"""

import asyncio
import base64
import fcntl
import hashlib
import hmac
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from mortgage_cloud.errors import ValidationFailed

log = logging.getLogger(__name__)

KEY_FILE = "root-key.pem"
CERTIFICATE_FILE = "root-cert.pem"
LOCK_FILE = ".create.lock"

ROOT_COMMON_NAME = "智慧抵押云平台根证书"
ROOT_ORGANISATION = "智慧抵押云平台"
ROOT_VALID_DAYS = 20 * 365

# id-kp-documentSigning is the RFC 9336 usage for document signatures. emailProtection is added for
# NSS-based validators such as pdfsig, which check signers against the S/MIME usage.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
SIGNING_USAGES = [ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]

# Certificates are back-dated a little so that a verifier whose clock runs behind still accepts them.
CLOCK_SKEW = timedelta(minutes=5)

SignerKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class CertificateRequestInvalid(ValidationFailed):
    code = "CERTIFICATE_REQUEST_INVALID"
    message = "证书申请无效：请提交签名正确、使用 EC P-256 或 RSA 2048 位以上密钥的证书请求。"


@dataclass(frozen=True)
class SignerCredentials:
    """A private key with its certificate and the chain up to the platform root."""

    private_key: SignerKey = field(repr=False)
    certificate: x509.Certificate
    chain: list[x509.Certificate]

    def __repr__(self) -> str:
        return f"SignerCredentials(subject={self.certificate.subject.rfc4514_string()!r}, serial={self.serial})"

    @property
    def serial(self) -> str:
        """Certificate serial number as upper-case hex."""
        return format(self.certificate.serial_number, "X")


@dataclass(frozen=True)
class IssuedCertificate:
    """An organisation certificate; `private_key_pem` is set only when the CA generated the key pair."""

    certificate: x509.Certificate
    certificate_pem: bytes
    chain_pem: bytes
    private_key_pem: bytes | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        key = "generated" if self.private_key_pem else "holder's own"
        return f"IssuedCertificate(subject={self.certificate.subject.rfc4514_string()!r}, serial={self.serial}, key={key})"

    @property
    def serial(self) -> str:
        """Certificate serial number as upper-case hex."""
        return format(self.certificate.serial_number, "X")


class PlatformCA:
    """The platform's root certificate authority."""

    _loaded: dict[tuple[str, str], "PlatformCA"] = {}
    _locks: dict[str, asyncio.Lock] = {}

    def __init__(self, *, private_key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate, data_key: str) -> None:
        self._private_key = private_key
        self.certificate = certificate
        self._data_key = data_key

    def __repr__(self) -> str:
        return f"PlatformCA(subject={self.certificate.subject.rfc4514_string()!r})"

    @property
    def certificate_pem(self) -> bytes:
        """Root certificate in PEM, for trust stores and downloads."""
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @classmethod
    async def load_or_create(cls, directory: Path, *, data_key: str | None = None) -> "PlatformCA":
        """Load the root CA from `directory`, creating it on first use; safe across tasks and processes."""
        data_key = data_key or _settings_data_key()
        directory = Path(directory).resolve()
        cache_key = (str(directory), hashlib.sha256(data_key.encode()).hexdigest())
        if cache_key in cls._loaded:
            return cls._loaded[cache_key]

        async with cls._locks.setdefault(str(directory), asyncio.Lock()):
            if cache_key not in cls._loaded:
                cls._loaded[cache_key] = await asyncio.to_thread(_load_or_create_files, directory, data_key)
        return cls._loaded[cache_key]

    def issue_event_certificate(self, *, name: str, id_number: str, valid_minutes: int = 30) -> SignerCredentials:
        """Issue a one-off certificate and key pair to a face-verified person for one signing."""
        if not name.strip():
            raise ValueError("the signer's name is empty")
        if not 1 <= valid_minutes <= 24 * 60:
            raise ValueError(f"valid_minutes must be between 1 and 1440, not {valid_minutes}")

        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.COMMON_NAME, name.strip()),
            # A keyed hash: the certificate identifies the person to the platform without carrying the ID number.
            x509.NameAttribute(NameOID.SERIAL_NUMBER, self._person_serial(id_number)),
        ])
        certificate = self._issue(subject=subject, public_key=key.public_key(),
                                  valid_for=timedelta(minutes=valid_minutes), extra_usages=[])
        log.info("event certificate issued", extra={"serial": format(certificate.serial_number, "X")})
        return SignerCredentials(private_key=key, certificate=certificate, chain=[self.certificate])

    def issue_organisation_certificate(self, *, name: str, uscc: str, public_key: Any = None,
                                       csr_pem: bytes | None = None, valid_days: int = 730) -> IssuedCertificate:
        """Certify an organisation's key from a CSR or a public key, or generate the key pair when given neither."""
        if not name.strip():
            raise CertificateRequestInvalid("机构名称不能为空。", field="name")
        if public_key is not None and csr_pem is not None:
            raise CertificateRequestInvalid("请只提交证书请求或公钥其中之一。", field="csr_pem")

        generated: SignerKey | None = None
        if csr_pem is not None:
            public_key = _public_key_from_csr(csr_pem)
        elif public_key is None:
            generated = ec.generate_private_key(ec.SECP256R1())
            public_key = generated.public_key()
        _require_supported_key(public_key)

        subject = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name.strip()),
            x509.NameAttribute(NameOID.COMMON_NAME, name.strip()),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, uscc),
        ])
        certificate = self._issue(subject=subject, public_key=public_key, valid_for=timedelta(days=valid_days),
                                  extra_usages=[ExtendedKeyUsageOID.CLIENT_AUTH])
        log.info("organisation certificate issued", extra={"serial": format(certificate.serial_number, "X"), "uscc": uscc})
        return IssuedCertificate(
            certificate=certificate,
            certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
            chain_pem=self.certificate_pem,
            private_key_pem=_plain_pem(generated) if generated is not None else None,
        )

    def sign_crl(self, revoked: list[x509.RevokedCertificate], *, number: int, this_update: datetime,
                 next_update: datetime) -> x509.CertificateRevocationList:
        """Sign a certificate revocation list (RFC 5280) of the given entries with the root key."""
        if next_update <= this_update:
            raise ValueError("a CRL's nextUpdate must be later than its thisUpdate")
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(this_update)
            .next_update(next_update)
            .add_extension(x509.CRLNumber(number), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self._private_key.public_key()),
                           critical=False)
        )
        for entry in revoked:
            builder = builder.add_revoked_certificate(entry)
        return builder.sign(self._private_key, hashes.SHA256())

    def _issue(self, *, subject: x509.Name, public_key: Any, valid_for: timedelta,
               extra_usages: list[ObjectIdentifier]) -> x509.Certificate:
        now = datetime.now(timezone.utc)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - CLOCK_SKEW)
            .not_valid_after(now + valid_for)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage(SIGNING_USAGES + extra_usages), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self._private_key.public_key()),
                           critical=False)
        )
        return builder.sign(self._private_key, hashes.SHA256())

    def _person_serial(self, id_number: str) -> str:
        key = _derive(self._data_key, b"mortgage-cloud certificate subject serial")
        digest = hmac.new(key, id_number.strip().upper().encode(), hashlib.sha256).digest()
        return base64.b32encode(digest[:20]).decode()


def _settings_data_key() -> str:
    from mortgage_cloud.settings import get_settings

    return get_settings().data_key.get_secret_value()


def _derive(data_key: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(data_key.encode())


def _key_password(data_key: str) -> bytes:
    return base64.urlsafe_b64encode(_derive(data_key, b"mortgage-cloud platform ca key password"))


def _key_usage(*, digital_signature: bool = False, content_commitment: bool = False,
               key_cert_sign: bool = False, crl_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature, content_commitment=content_commitment, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=key_cert_sign, crl_sign=crl_sign,
        encipher_only=False, decipher_only=False,
    )


def _plain_pem(key: SignerKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _public_key_from_csr(csr_pem: bytes) -> Any:
    try:
        csr = x509.load_pem_x509_csr(csr_pem)
        public_key = csr.public_key()
    except UnsupportedAlgorithm:
        raise CertificateRequestInvalid("证书请求使用了不支持的密钥算法（如 SM2）：请使用 EC P-256 或 RSA 2048 位以上密钥。",
                                        field="csr_pem") from None
    except ValueError:
        raise CertificateRequestInvalid("证书请求不是有效的 PEM 格式 PKCS#10 请求。", field="csr_pem") from None

    if not csr.is_signature_valid:
        raise CertificateRequestInvalid("证书请求的签名校验未通过。", field="csr_pem")
    return public_key


def _require_supported_key(public_key: Any) -> None:
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(public_key.curve, ec.SECP256R1):
        return
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size >= 2048:
        return
    raise CertificateRequestInvalid(field="public_key")


def _load_or_create_files(directory: Path, data_key: str) -> PlatformCA:
    directory.mkdir(parents=True, exist_ok=True)

    # An exclusive file lock, so that two worker processes starting together create one root, not two.
    with open(directory / LOCK_FILE, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (directory / CERTIFICATE_FILE).exists():
                _create_root(directory, data_key)
            return _read_root(directory, data_key)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _create_root(directory: Path, data_key: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ROOT_ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, ROOT_COMMON_NAME),
    ])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + timedelta(days=ROOT_VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(digital_signature=True, key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )

    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(_key_password(data_key)))
    # The key goes first: a certificate file without its key would make every later start fail.
    _write_atomically(directory / KEY_FILE, key_pem, mode=0o600)
    _write_atomically(directory / CERTIFICATE_FILE, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)
    log.info("platform root CA created", extra={"directory": str(directory)})


def _read_root(directory: Path, data_key: str) -> PlatformCA:
    certificate = x509.load_pem_x509_certificate((directory / CERTIFICATE_FILE).read_bytes())
    try:
        key = serialization.load_pem_private_key((directory / KEY_FILE).read_bytes(), password=_key_password(data_key))
    except ValueError as error:
        raise RuntimeError(f"cannot decrypt the platform CA key in {directory}: MC_DATA_KEY differs from the one "
                           "that created it") from error
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != certificate.public_key():
        raise RuntimeError(f"the platform CA key in {directory} does not match its certificate")
    return PlatformCA(private_key=key, certificate=certificate, data_key=data_key)


def _write_atomically(path: Path, content: bytes, *, mode: int) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
