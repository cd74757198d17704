"""Borrowers, their WeChat accounts and their face verifications."""

from tortoise import fields
from tortoise.models import Model


class Borrower(Model):
    """A person who logs in with WeChat, one per WeChat unionid, with the identity they declared."""

    id = fields.UUIDField(primary_key=True)
    unionid = fields.CharField(max_length=64, unique=True, null=True)
    name = fields.CharField(max_length=64, default="")
    id_number_enc = fields.TextField(null=True)  # mortgage_cloud.infra.pii.encrypt
    id_hash = fields.CharField(max_length=64, null=True, db_index=True)  # pii.search_hash of the ID number
    phone_enc = fields.TextField(null=True)
    phone_hash = fields.CharField(max_length=64, null=True, db_index=True)
    # Set by the first passed face verification of the declared identity, cleared when it changes.
    identity_verified_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "borrower"


class WechatAccount(Model):
    """One openid of a borrower in one WeChat app (the mini-program or the official account)."""

    id = fields.UUIDField(primary_key=True)
    openid = fields.CharField(max_length=64, unique=True)
    app_id = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=24)  # mini_program or official_account
    borrower = fields.ForeignKeyField("models.Borrower", related_name="wechat_accounts", on_delete=fields.CASCADE)
    is_snapshot_user = fields.BooleanField(default=False)
    follows_official_account = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "wechat_account"


class FaceVerification(Model):
    """One face verification attempt. The score is kept for audit and never returned beyond pass or fail."""

    id = fields.UUIDField(primary_key=True)
    borrower = fields.ForeignKeyField("models.Borrower", related_name="face_verifications", on_delete=fields.RESTRICT)
    purpose = fields.CharField(max_length=16)  # login or signing
    provider = fields.CharField(max_length=32)
    model_version = fields.CharField(max_length=64)
    liveness_passed = fields.BooleanField(default=False)
    match_score = fields.FloatField(null=True)
    threshold = fields.FloatField(null=True)
    passed = fields.BooleanField(default=False)
    # Set when the provider failed (rate limit, quota, timeout): such a row is not a failed verification.
    provider_error_code = fields.CharField(max_length=32, null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "face_verification"
