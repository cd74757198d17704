"""Records the pipeline keeps beside the application."""

from tortoise import fields
from tortoise.models import Model


class ArchiveRecord(Model):
    """The archived case file: a manifest of every document, signature, event and register entry, by hash."""

    application = fields.OneToOneField("models.Application", related_name="archive", on_delete=fields.RESTRICT)
    manifest_key = fields.CharField(max_length=255)
    manifest_sha256 = fields.CharField(max_length=64)
    archived_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "archive_record"
