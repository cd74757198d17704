"""The record of every WeChat status message sent to a borrower, one row per application state."""

from tortoise import fields
from tortoise.models import Model


class NotificationLog(Model):
    """A status message for one state of one application. Its `dedup_key` makes a second send a no-op."""

    id = fields.UUIDField(primary_key=True)
    application_id = fields.UUIDField(db_index=True)
    borrower_id = fields.UUIDField(db_index=True)
    channel = fields.CharField(max_length=16, null=True)  # template (official account) or subscribe (mini-program)
    state = fields.CharField(max_length=32)
    dedup_key = fields.CharField(max_length=128, unique=True)
    status = fields.CharField(max_length=16)  # pending, sent, failed or skipped
    errcode = fields.IntField(null=True)  # WeChat's errcode; -1 when WeChat could not be reached
    msgid = fields.BigIntField(null=True)
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notification_log"
