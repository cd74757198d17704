"""The platform's API key: an EC P-256 key whose certificate the platform CA issued, used to sign every bank API response.

Created once under `<data_dir>/platform-api-key/`; the private key is stored as PKCS#8 PEM encrypted
with a password derived from `MC_DATA_KEY`. When the certificate is within `RENEW_BEFORE` of its
end, the next load replaces it with a new key and certificate. The old certificate stays listed
until it expires, so that banks can verify responses signed just before the switch.
"""

import asyncio
import base64
import fcntl
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mortgage_cloud.banks.models import SignatureAlgorithm
from mortgage_cloud.banks.signature import new_nonce, response_signing_message
from mortgage_cloud.signing.ca import PlatformCA

log = logging.getLogger(__name__)

DIRECTORY_NAME = "platform-api-key"
KEY_FILE = "key.pem"
CERTIFICATE_FILE = "cert.pem"
RETIRED_SUFFIX = ".retired-cert.pem"
LOCK_FILE = ".create.lock"
CERTIFICATE_NAME = "智慧抵押云平台接口签名"
# The subject's serialNumber attribute, which contains the credit code on institutions' certificates.
CERTIFICATE_SUBJECT_SERIAL = "MORTGAGE-CLOUD-API"
VALID_DAYS = 730
RENEW_BEFORE = timedelta(days=30)

RESPONSE_HEADERS = ("Mc-Timestamp", "Mc-Nonce", "Mc-Serial", "Mc-Signature")


@dataclass(frozen=True)
class PlatformApiKey:
    """The key that signs responses, its certificate, and every certificate a bank may still meet."""

    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    certificate: x509.Certificate
    retired_certificates: list[x509.Certificate]
    ca_certificate_pem: str

    @property
    def serial_no(self) -> str:
        """Certificate serial number in lower-case hex, as sent in `Mc-Serial`."""
        return format(self.certificate.serial_number, "x")

    def sign_response(self, body: bytes, *, timestamp: int, nonce: str | None = None) -> dict[str, str]:
        """Return the four `Mc-*` headers that sign a response body."""
        nonce = nonce or new_nonce()
        message = response_signing_message(timestamp=timestamp, nonce=nonce, body=body)
        signature = self.private_key.sign(message, ec.ECDSA(hashes.SHA256()))
        return {
            "Mc-Timestamp": str(timestamp),
            "Mc-Nonce": nonce,
            "Mc-Serial": self.serial_no,
            "Mc-Signature": base64.b64encode(signature).decode(),
        }

    def certificate_list(self) -> list[dict[str, str]]:
        """Describe the current and still-valid retired certificates for the certificate download route."""
        now = datetime.now(timezone.utc)
        listed = [self.certificate] + [cert for cert in self.retired_certificates if cert.not_valid_after_utc > now]
        return [_describe(certificate) for certificate in listed]


def _describe(certificate: x509.Certificate) -> dict[str, str]:
    return {
        "serial_no": format(certificate.serial_number, "x"),
        "algorithm": SignatureAlgorithm.ECDSA_P256_SHA256.value,
        "not_before": certificate.not_valid_before_utc.isoformat(),
        "not_after": certificate.not_valid_after_utc.isoformat(),
        "certificate_pem": certificate.public_bytes(serialization.Encoding.PEM).decode(),
    }


_loaded: dict[str, PlatformApiKey] = {}
_locks: dict[str, asyncio.Lock] = {}


async def load_platform_api_key(data_dir: Path, *, data_key: str) -> PlatformApiKey:
    """Load the platform API key from `<data_dir>/platform-api-key/`, creating or renewing it when needed."""
    directory = (Path(data_dir) / DIRECTORY_NAME).resolve()
    cache_key = str(directory)
    cached = _loaded.get(cache_key)
    if cached is not None and not _needs_renewal(cached.certificate):
        return cached

    async with _locks.setdefault(cache_key, asyncio.Lock()):
        cached = _loaded.get(cache_key)
        if cached is None or _needs_renewal(cached.certificate):
            ca = await PlatformCA.load_or_create(Path(data_dir) / "ca", data_key=data_key)
            _loaded[cache_key] = await asyncio.to_thread(_load_or_create_files, directory, ca, data_key)
    return _loaded[cache_key]


def _needs_renewal(certificate: x509.Certificate) -> bool:
    return certificate.not_valid_after_utc - datetime.now(timezone.utc) < RENEW_BEFORE


def _load_or_create_files(directory: Path, ca: PlatformCA, data_key: str) -> PlatformApiKey:
    directory.mkdir(parents=True, exist_ok=True)

    # An exclusive file lock, so that worker processes starting together create one key, not several.
    with open(directory / LOCK_FILE, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            certificate_path = directory / CERTIFICATE_FILE
            if not certificate_path.exists():
                _create(directory, ca, data_key)
            elif _needs_renewal(x509.load_pem_x509_certificate(certificate_path.read_bytes())):
                _retire_current(directory)
                _create(directory, ca, data_key)
            return _read(directory, ca, data_key)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _create(directory: Path, ca: PlatformCA, data_key: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    issued = ca.issue_organisation_certificate(
        name=CERTIFICATE_NAME, uscc=CERTIFICATE_SUBJECT_SERIAL, public_key=key.public_key(), valid_days=VALID_DAYS
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_key_password(data_key)),
    )
    # The key goes first: a certificate without its key would make every later start fail.
    _write_atomically(directory / KEY_FILE, key_pem, mode=0o600)
    _write_atomically(directory / CERTIFICATE_FILE, issued.certificate_pem, mode=0o644)
    log.info("platform API key created", extra={"serial_no": format(issued.certificate.serial_number, "x")})


def _retire_current(directory: Path) -> None:
    current = directory / CERTIFICATE_FILE
    certificate = x509.load_pem_x509_certificate(current.read_bytes())
    serial = format(certificate.serial_number, "x")
    _write_atomically(directory / f"{serial}{RETIRED_SUFFIX}", current.read_bytes(), mode=0o644)
    log.info("platform API certificate retired", extra={"serial_no": serial})


def _read(directory: Path, ca: PlatformCA, data_key: str) -> PlatformApiKey:
    certificate = x509.load_pem_x509_certificate((directory / CERTIFICATE_FILE).read_bytes())
    try:
        key = serialization.load_pem_private_key(
            (directory / KEY_FILE).read_bytes(), password=_key_password(data_key)
        )
    except ValueError as error:
        raise RuntimeError(
            f"cannot decrypt the platform API key in {directory}: MC_DATA_KEY differs from the one that created it"
        ) from error
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != certificate.public_key():
        raise RuntimeError(f"the platform API key in {directory} does not match its certificate")

    retired = [x509.load_pem_x509_certificate(path.read_bytes()) for path in sorted(directory.glob(f"*{RETIRED_SUFFIX}"))]
    return PlatformApiKey(
        private_key=key,
        certificate=certificate,
        retired_certificates=retired,
        ca_certificate_pem=ca.certificate_pem.decode(),
    )


def _key_password(data_key: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"mortgage-cloud platform api key password")
    return base64.urlsafe_b64encode(derived.derive(data_key.encode()))


def _write_atomically(path: Path, content: bytes, *, mode: int) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
