"""Institutions (banks and housing provident fund centres), their API certificates, officers and idempotency records."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class InstitutionKind(StrEnum):
    BANK = "bank"
    FUND_CENTRE = "fund_centre"


class InstitutionStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class SignatureAlgorithm(StrEnum):
    ECDSA_P256_SHA256 = "ecdsa-p256-sha256"
    RSA_2048_SHA256 = "rsa-2048-sha256"
    SM2_SM3 = "sm2-sm3"


class CertificateStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


class RevocationReason(StrEnum):
    """The reason a certificate was revoked, named after the RFC 5280 CRL reason codes."""

    UNSPECIFIED = "unspecified"
    KEY_COMPROMISE = "key_compromise"
    AFFILIATION_CHANGED = "affiliation_changed"
    SUPERSEDED = "superseded"
    CESSATION_OF_OPERATION = "cessation_of_operation"


class OfficerRole(StrEnum):
    LOAN_OFFICER = "loan_officer"
    SUPERVISOR = "supervisor"
    READ_ONLY = "read_only"


class OfficerStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class Institution(Model):
    """A mortgagee registered with the platform: a bank or a housing provident fund centre."""

    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=100)
    uscc = fields.CharField(max_length=18, unique=True)
    kind = fields.CharEnumField(InstitutionKind, max_length=16)
    webhook_url = fields.CharField(max_length=500, null=True)
    status = fields.CharEnumField(InstitutionStatus, max_length=16, default=InstitutionStatus.ACTIVE)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "institution"


class InstitutionCertificate(Model):
    """A key an institution signs API requests with, identified by its serial number in hex."""

    id = fields.IntField(primary_key=True)
    serial_no = fields.CharField(max_length=64, unique=True)
    institution = fields.ForeignKeyField("models.Institution", related_name="certificates", on_delete=fields.RESTRICT)
    algorithm = fields.CharEnumField(SignatureAlgorithm, max_length=24)
    public_key_pem = fields.TextField()
    # SM2 keys are registered as bare public keys because `cryptography` cannot issue SM2 certificates.
    certificate_pem = fields.TextField(null=True)
    status = fields.CharEnumField(CertificateStatus, max_length=16, default=CertificateStatus.ACTIVE)
    not_before = fields.DatetimeField()
    not_after = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revocation_reason = fields.CharEnumField(RevocationReason, max_length=32, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "institution_certificate"


class Officer(Model):
    """A person at an institution who acts through the bank API or the console, never deleted but disabled."""

    id = fields.UUIDField(primary_key=True)
    institution = fields.ForeignKeyField("models.Institution", related_name="officers", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=50)
    role = fields.CharEnumField(OfficerRole, max_length=16, default=OfficerRole.LOAN_OFFICER)
    phone_enc = fields.TextField(null=True)
    # pii.search_hash of the phone number, so that console login finds the officer without decrypting.
    phone_hash = fields.CharField(max_length=64, null=True, db_index=True)
    status = fields.CharEnumField(OfficerStatus, max_length=16, default=OfficerStatus.ACTIVE)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    disabled_at = fields.DatetimeField(null=True)
    # scrypt hash of the console password (review.staff_passwords), null until a supervisor or a one-time code sets it.
    console_password_hash = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "officer"


class IdempotencyRecord(Model):
    """The first response to a POST with a given `Idempotency-Key`, replayed to retries of the same request."""

    id = fields.IntField(primary_key=True)
    institution = fields.ForeignKeyField("models.Institution", related_name="idempotency_records", on_delete=fields.CASCADE)
    key = fields.CharField(max_length=64)
    method = fields.CharField(max_length=8)
    path = fields.CharField(max_length=500)
    request_sha256 = fields.CharField(max_length=64)
    # Null while the first request is still running.
    response_status = fields.IntField(null=True)
    # Base64 of the exact response bytes, so that a replay matches the first response byte for byte.
    response_body = fields.TextField(null=True)
    response_content_type = fields.CharField(max_length=100, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("institution", "key"),)
