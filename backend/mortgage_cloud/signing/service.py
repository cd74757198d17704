"""Hosted organisation seals and signature records.

The platform keeps the seal keys of banks and of the registry (hosted seals); a bank authorises each
use of its seal through its signed API request, and the registry's seal is used only by the pipeline.
"""

import logging
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from tortoise.exceptions import IntegrityError

from mortgage_cloud.infra import pii
from mortgage_cloud.signing.ca import PlatformCA, SignerCredentials
from mortgage_cloud.signing.models import OrganisationSeal, SealOwnerKind, SealStatus, SignatureRecord

log = logging.getLogger(__name__)


async def registry_seal(ca: PlatformCA) -> SignerCredentials:
    """Return the registry's seal credentials, creating the seal on first use."""
    from mortgage_cloud.infra.runtime import runtime

    settings = runtime().settings
    return await _seal(ca, owner_kind=SealOwnerKind.REGISTRY, owner_id=settings.registry_division_code,
                       name=settings.registry_name, uscc=settings.registry_uscc)


async def institution_seal(ca: PlatformCA, *, institution_id: UUID | str, name: str, uscc: str) -> SignerCredentials:
    """Return an institution's hosted seal credentials, creating the seal on first use."""
    return await _seal(ca, owner_kind=SealOwnerKind.INSTITUTION, owner_id=str(institution_id), name=name, uscc=uscc)


async def revoke_seal(*, owner_kind: SealOwnerKind, owner_id: str) -> bool:
    """Revoke the owner's active seal so the next sealing creates a new one; return whether one was active."""
    updated = await OrganisationSeal.filter(active_owner=f"{owner_kind}:{owner_id}").update(
        status=SealStatus.REVOKED, active_owner=None, revoked_at=datetime.now(timezone.utc)
    )
    log.info("seal revoked", extra={"owner_kind": str(owner_kind), "owner_id": owner_id, "revoked": updated})
    return updated > 0


async def record_signature(*, document_key: str, field_name: str, signer_role: str, credentials: SignerCredentials,
                           document_id: UUID | None = None, face_verification_id: UUID | None = None,
                           signature_image_sha256: str | None = None) -> SignatureRecord:
    """Store who signed which document with which certificate."""
    certificate = credentials.certificate
    return await SignatureRecord.create(
        document_key=document_key,
        document_id=document_id,
        field_name=field_name,
        signer_role=signer_role,
        signer_name=_common_name(certificate),
        certificate_serial=credentials.serial,
        certificate_subject=certificate.subject.rfc4514_string(),
        signed_at=datetime.now(timezone.utc),
        face_verification_id=face_verification_id,
        signature_image_sha256=signature_image_sha256,
    )


async def _seal(ca: PlatformCA, *, owner_kind: SealOwnerKind, owner_id: str, name: str, uscc: str) -> SignerCredentials:
    active_owner = f"{owner_kind}:{owner_id}"
    seal = await OrganisationSeal.get_or_none(active_owner=active_owner)
    if seal is None:
        seal = await _create_seal(ca, owner_kind=owner_kind, owner_id=owner_id, name=name, uscc=uscc)
    return _credentials(seal, ca)


async def _create_seal(ca: PlatformCA, *, owner_kind: SealOwnerKind, owner_id: str, name: str,
                       uscc: str) -> OrganisationSeal:
    issued = ca.issue_organisation_certificate(name=name, uscc=uscc)
    try:
        seal = await OrganisationSeal.create(
            owner_kind=owner_kind, owner_id=owner_id, name=name, uscc=uscc,
            key_pem_enc=pii.encrypt(issued.private_key_pem.decode()),
            certificate_pem=issued.certificate_pem.decode(), serial=issued.serial,
            active_owner=f"{owner_kind}:{owner_id}",
        )
    except IntegrityError:
        # Another worker created the seal first: use theirs, so each owner has one active seal.
        log.info("seal created concurrently, using the existing one", extra={"owner_id": owner_id})
        return await OrganisationSeal.get(active_owner=f"{owner_kind}:{owner_id}")

    log.info("seal created", extra={"owner_kind": str(owner_kind), "owner_id": owner_id, "serial": seal.serial})
    return seal


def _credentials(seal: OrganisationSeal, ca: PlatformCA) -> SignerCredentials:
    key = serialization.load_pem_private_key(pii.decrypt(seal.key_pem_enc).encode(), password=None)
    certificate = x509.load_pem_x509_certificate(seal.certificate_pem.encode())
    return SignerCredentials(private_key=key, certificate=certificate, chain=[ca.certificate])


def _common_name(certificate: Any) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""
