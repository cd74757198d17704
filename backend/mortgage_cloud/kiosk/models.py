"""Kiosk sessions and their append-only evidence."""

from tortoise import fields
from tortoise.models import Model


class KioskSession(Model):
    """One borrower's visit to a branch kiosk, opened by a bank for one device and bound to at most one application.

    Only the SHA-256 of the kiosk token is stored, so a database copy cannot drive a kiosk.
    """

    id = fields.UUIDField(primary_key=True)
    institution = fields.ForeignKeyField("models.Institution", related_name="kiosk_sessions",
                                         on_delete=fields.RESTRICT)
    borrower = fields.ForeignKeyField("models.Borrower", related_name="kiosk_sessions", on_delete=fields.RESTRICT)
    application = fields.ForeignKeyField("models.Application", related_name="kiosk_sessions", null=True,
                                         on_delete=fields.RESTRICT)
    officer = fields.ForeignKeyField("models.Officer", related_name="kiosk_sessions", null=True,
                                     on_delete=fields.RESTRICT)
    device_id = fields.CharField(max_length=64)
    token_sha256 = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)
    closed_by = fields.CharField(max_length=16, null=True)  # kiosk, institution or superseded

    class Meta:
        table = "kiosk_session"


class EvidenceAppendOnly(Exception):
    """Raised on an attempt to change or delete a stored evidence row."""


class KioskEvidence(Model):
    """One step taken at the kiosk or by the bank for a session, kept as evidence for a dispute.

    Rows are only ever inserted. `save` on a stored row and `delete` raise EvidenceAppendOnly.
    NOTE: a queryset's `update()` or `delete()` bypasses that guard, and no code here calls them on evidence.
    """

    id = fields.BigIntField(primary_key=True)
    session = fields.ForeignKeyField("models.KioskSession", related_name="evidence", on_delete=fields.RESTRICT)
    kind = fields.CharField(max_length=24)  # opened, application_bound, face_check, consent, signature, rating, closed
    device_id = fields.CharField(max_length=64)
    officer_id = fields.UUIDField(null=True)
    application_id = fields.UUIDField(null=True)

    face_verification_id = fields.UUIDField(null=True)
    liveness_passed = fields.BooleanField(null=True)
    face_passed = fields.BooleanField(null=True)
    # Kept for audit only and never returned by any API, like FaceVerification.match_score.
    match_score = fields.FloatField(null=True)
    # Set when nothing was decided: the provider's error code, or photo_<code> for a photo without a clear face.
    provider_error_code = fields.CharField(max_length=32, null=True)

    consent_id = fields.UUIDField(null=True)
    agreement_sha256 = fields.CharField(max_length=64, null=True)
    signature_image_sha256 = fields.CharField(max_length=64, null=True)
    signature_storage_key = fields.CharField(max_length=255, null=True)
    rating = fields.CharField(max_length=24, null=True)
    comment = fields.CharField(max_length=500, null=True)

    client_ip = fields.CharField(max_length=64, null=True)
    user_agent = fields.CharField(max_length=255, null=True)
    recorded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "kiosk_evidence"
        ordering = ["id"]

    async def save(self, *args, **kwargs) -> None:
        if self._saved_in_db:
            raise EvidenceAppendOnly(f"kiosk evidence {self.id} is append-only")
        await super().save(*args, **kwargs)

    async def delete(self, *args, **kwargs) -> None:
        raise EvidenceAppendOnly(f"kiosk evidence {self.id} is append-only")
