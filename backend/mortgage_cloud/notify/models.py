"""Records of WeChat status messages to borrowers and of signed webhooks to institutions."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class NotificationLog(Model):
    """A status message to one borrower for one state of one application. Its `dedup_key` makes a second send a no-op."""

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
    occurred_at = fields.DatetimeField(null=True)  # the state change's time, shown in the message
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notification_log"


class WebhookStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookEvent(Model):
    """One application state change to send to the mortgagee's `webhook_url`, identified to banks by `event_id`.

    Unique per application and state, so a step that runs twice creates one event.
    """

    id = fields.UUIDField(primary_key=True)
    institution = fields.ForeignKeyField("models.Institution", related_name="webhook_events", on_delete=fields.CASCADE)
    application = fields.ForeignKeyField("models.Application", related_name="webhook_events", on_delete=fields.CASCADE)
    state = fields.CharField(max_length=24)
    # The whole request body as sent: `{event_id, event_type, occurred_at, data}`.
    payload = fields.JSONField()
    status = fields.CharEnumField(WebhookStatus, max_length=16, default=WebhookStatus.PENDING, db_index=True)
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_event"
        unique_together = (("application", "state"),)


class WebhookDelivery(Model):
    """One attempt to deliver a webhook event, with the receiver's HTTP status or the error."""

    id = fields.BigIntField(primary_key=True)
    event = fields.ForeignKeyField("models.WebhookEvent", related_name="deliveries", on_delete=fields.CASCADE)
    attempt = fields.IntField()
    started_at = fields.DatetimeField()
    duration_ms = fields.IntField(null=True)
    response_status = fields.IntField(null=True)
    error = fields.CharField(max_length=500, null=True)
    # When the next attempt is due; null when this attempt delivered, failed for good or was the last.
    next_attempt_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        unique_together = (("event", "attempt"),)
        ordering = ["attempt"]
