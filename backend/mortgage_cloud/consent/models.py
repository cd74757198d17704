"""Lookup consents (委托查询协议) and the log of every property query made under one."""

from tortoise import fields
from tortoise.models import Model


class Consent(Model):
    """A borrower's permission for one institution to query the properties registered under their name."""

    id = fields.UUIDField(primary_key=True)
    borrower = fields.ForeignKeyField("models.Borrower", related_name="consents", on_delete=fields.RESTRICT)
    institution = fields.ForeignKeyField("models.Institution", related_name="consents", on_delete=fields.RESTRICT)
    scope = fields.CharField(max_length=32)  # property_query
    purpose = fields.CharField(max_length=200)
    granted_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    # Evidence kept for a dispute: the agreement text's version and hash, the face verification
    # that preceded the grant, and the client that sent it.
    agreement_version = fields.CharField(max_length=16)
    agreement_sha256 = fields.CharField(max_length=64)
    face_verification_id = fields.UUIDField(null=True)
    client_ip = fields.CharField(max_length=64, null=True)
    user_agent = fields.CharField(max_length=255, null=True)

    class Meta:
        table = "consent"


class PropertyQueryLog(Model):
    """One property query by an institution, with the consent it used (or none, when it was refused)."""

    id = fields.UUIDField(primary_key=True)
    institution = fields.ForeignKeyField("models.Institution", related_name="property_queries", on_delete=fields.RESTRICT)
    consent = fields.ForeignKeyField("models.Consent", related_name="queries", null=True, on_delete=fields.RESTRICT)
    consent_ref = fields.CharField(max_length=64)  # the consent id as sent, kept even when it matched nothing
    outcome = fields.CharField(max_length=24)  # ok, or the rejection code
    unit_count = fields.IntField(default=0)
    request_id = fields.CharField(max_length=64, null=True)
    queried_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "property_query_log"
