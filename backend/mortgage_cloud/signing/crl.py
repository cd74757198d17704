"""The platform CA's certificate revocation list: revoked institution API certificates and organisation seals.

The CRL is kept in `<data_dir>/ca/crl.json` with its number and a fingerprint of the revoked
entries. `current_crl` returns the stored CRL until the set of revoked certificates
changes or the CRL nears its nextUpdate, and then signs a new one with the next CRL number. So a
revocation made anywhere, such as a seal revoked by the signing service, appears in the next
download, and `publish_crl` lets a revoking service regenerate at once.
"""

import asyncio
import base64
import fcntl
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from mortgage_cloud.banks.models import CertificateStatus, InstitutionCertificate, RevocationReason
from mortgage_cloud.signing.ca import PlatformCA
from mortgage_cloud.signing.models import OrganisationSeal, SealStatus

log = logging.getLogger(__name__)

STATE_FILE = "crl.json"
LOCK_FILE = ".crl.lock"

# Relying parties may cache the CRL until nextUpdate, so a revocation reaches a cached copy within a day.
CRL_VALID_FOR = timedelta(hours=24)
# A CRL with less than this left before nextUpdate is re-signed, so a download has at least this long to run.
REFRESH_BEFORE = timedelta(hours=1)

# RFC 5280 section 5.3.1: the reason code extension SHOULD be absent instead of carrying "unspecified".
REASON_FLAGS = {
    RevocationReason.UNSPECIFIED: None,
    RevocationReason.KEY_COMPROMISE: x509.ReasonFlags.key_compromise,
    RevocationReason.AFFILIATION_CHANGED: x509.ReasonFlags.affiliation_changed,
    RevocationReason.SUPERSEDED: x509.ReasonFlags.superseded,
    RevocationReason.CESSATION_OF_OPERATION: x509.ReasonFlags.cessation_of_operation,
}


@dataclass(frozen=True)
class RevokedEntry:
    """One revoked certificate as the CRL lists it."""

    serial_number: int
    revoked_at: datetime
    reason: x509.ReasonFlags | None

    def key(self) -> str:
        reason = self.reason.value if self.reason else ""
        return f"{self.serial_number:x}|{self.revoked_at.isoformat()}|{reason}"


@dataclass(frozen=True)
class PublishedCrl:
    """A signed CRL as DER with the facts a route or a test needs without parsing it."""

    der: bytes
    number: int
    this_update: datetime
    next_update: datetime
    fingerprint: str

    @property
    def pem(self) -> bytes:
        crl = x509.load_der_x509_crl(self.der)
        return crl.public_bytes(serialization.Encoding.PEM)


_published: dict[str, PublishedCrl] = {}
_locks: dict[str, asyncio.Lock] = {}


async def current_crl(ca: PlatformCA, directory: Path) -> PublishedCrl:
    """Return the CA's CRL, signing a new one when the revoked certificates changed or nextUpdate is near."""
    entries = await revoked_entries()
    fingerprint = _fingerprint(entries)
    key = str(Path(directory).resolve())

    cached = _published.get(key)
    if cached is not None and _still_current(cached, fingerprint):
        return cached

    async with _locks.setdefault(key, asyncio.Lock()):
        published = await asyncio.to_thread(_load_or_sign, ca, Path(key), entries, fingerprint)
        _published[key] = published
    return published


async def publish_crl(ca: PlatformCA, directory: Path) -> PublishedCrl:
    """Bring the CRL up to date after a revocation, so the next download lists it without signing again."""
    published = await current_crl(ca, directory)
    log.info("crl published", extra={"crl_number": published.number, "next_update": published.next_update.isoformat()})
    return published


async def revoked_entries() -> list[RevokedEntry]:
    """Return every revoked, unexpired certificate the CA issued: institution API certificates and seals.

    SM2 API keys are left out because they are bare registrations that the CA never certified.
    Expired certificates are left out as RFC 5280 allows, so the list does not grow for ever.
    """
    now = datetime.now(timezone.utc)
    entries: list[RevokedEntry] = []

    certificates = await InstitutionCertificate.filter(
        status=CertificateStatus.REVOKED, certificate_pem__isnull=False, not_after__gt=now
    )
    for certificate in certificates:
        reason = RevocationReason(certificate.revocation_reason or RevocationReason.UNSPECIFIED)
        entries.append(RevokedEntry(
            serial_number=int(certificate.serial_no, 16),
            revoked_at=certificate.revoked_at or certificate.created_at,
            reason=REASON_FLAGS[reason],
        ))

    for seal in await OrganisationSeal.filter(status=SealStatus.REVOKED):
        issued = x509.load_pem_x509_certificate(seal.certificate_pem.encode())
        if issued.not_valid_after_utc <= now:
            continue
        # Seals carry no recorded reason, so their entries have no reason code.
        entries.append(RevokedEntry(serial_number=issued.serial_number,
                                    revoked_at=seal.revoked_at or seal.created_at, reason=None))

    return sorted(entries, key=lambda entry: entry.serial_number)


def _fingerprint(entries: list[RevokedEntry]) -> str:
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(entry.key().encode() + b"\n")
    return digest.hexdigest()


def _still_current(published: PublishedCrl, fingerprint: str) -> bool:
    fresh = datetime.now(timezone.utc) < published.next_update - REFRESH_BEFORE
    return fresh and published.fingerprint == fingerprint


def _load_or_sign(ca: PlatformCA, directory: Path, entries: list[RevokedEntry], fingerprint: str) -> PublishedCrl:
    directory.mkdir(parents=True, exist_ok=True)

    # An exclusive file lock, so that two worker processes never sign two CRLs with the same number.
    with open(directory / LOCK_FILE, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            stored = _read_stored(directory)
            if stored is not None and _still_current(stored, fingerprint):
                return stored
            number = stored.number + 1 if stored is not None else 1
            published = _sign(ca, entries, number=number, fingerprint=fingerprint)
            _write_stored(directory, published)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)

    log.info("crl signed", extra={"crl_number": published.number, "revoked_count": len(entries)})
    return published


def _sign(ca: PlatformCA, entries: list[RevokedEntry], *, number: int, fingerprint: str) -> PublishedCrl:
    this_update = datetime.now(timezone.utc).replace(microsecond=0)
    next_update = this_update + CRL_VALID_FOR
    revoked = [_revoked_certificate(entry) for entry in entries]
    crl = ca.sign_crl(revoked, number=number, this_update=this_update, next_update=next_update)
    return PublishedCrl(der=crl.public_bytes(serialization.Encoding.DER), number=number, this_update=this_update,
                        next_update=next_update, fingerprint=fingerprint)


def _revoked_certificate(entry: RevokedEntry) -> x509.RevokedCertificate:
    builder = (
        x509.RevokedCertificateBuilder()
        .serial_number(entry.serial_number)
        .revocation_date(entry.revoked_at.astimezone(timezone.utc))
    )
    if entry.reason is not None:
        builder = builder.add_extension(x509.CRLReason(entry.reason), critical=False)
    return builder.build()


def _read_stored(directory: Path) -> PublishedCrl | None:
    try:
        state = json.loads((directory / STATE_FILE).read_text())
    except FileNotFoundError:
        return None
    return PublishedCrl(
        der=base64.b64decode(state["der"]),
        number=int(state["number"]),
        this_update=datetime.fromisoformat(state["this_update"]),
        next_update=datetime.fromisoformat(state["next_update"]),
        fingerprint=state["fingerprint"],
    )


def _write_stored(directory: Path, published: PublishedCrl) -> None:
    # One file written atomically, so the stored number always belongs to the stored CRL.
    state = {"number": published.number, "this_update": published.this_update.isoformat(),
             "next_update": published.next_update.isoformat(), "fingerprint": published.fingerprint,
             "der": base64.b64encode(published.der).decode()}
    _write_atomically(directory / STATE_FILE, json.dumps(state).encode())


def _write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
