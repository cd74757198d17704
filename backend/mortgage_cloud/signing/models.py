"""Hosted organisation seals and the record of every signature applied to a document."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class SealOwnerKind(StrEnum):
    INSTITUTION = "institution"
    REGISTRY = "registry"


class SealStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


class OrganisationSeal(Model):
    """An organisation's electronic seal: a hosted key pair and its certificate from the platform CA."""

    id = fields.UUIDField(primary_key=True)
    owner_kind = fields.CharEnumField(SealOwnerKind, max_length=16)
    owner_id = fields.CharField(max_length=64)  # institution UUID, or the registry's division code
    name = fields.CharField(max_length=100)
    uscc = fields.CharField(max_length=18)
    key_pem_enc = fields.TextField()  # PKCS#8 PEM encrypted with infra.pii.encrypt
    certificate_pem = fields.TextField()
    serial = fields.CharField(max_length=64, unique=True)
    status = fields.CharEnumField(SealStatus, max_length=16, default=SealStatus.ACTIVE)
    # "<owner_kind>:<owner_id>" while active and NULL once revoked, so the unique index allows one active seal per owner.
    active_owner = fields.CharField(max_length=100, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "organisation_seal"


class SignatureRecord(Model):
    """One signature applied to one stored document, with the certificate and evidence behind it."""

    id = fields.UUIDField(primary_key=True)
    document_key = fields.CharField(max_length=255, db_index=True)  # storage key of the signed PDF
    document_id = fields.UUIDField(null=True)
    field_name = fields.CharField(max_length=64)
    signer_role = fields.CharField(max_length=16)  # mortgagor, mortgagee or registry
    signer_name = fields.CharField(max_length=128)
    certificate_serial = fields.CharField(max_length=64)
    certificate_subject = fields.CharField(max_length=500)
    signed_at = fields.DatetimeField()
    face_verification_id = fields.UUIDField(null=True)
    signature_image_sha256 = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "signature_record"
