"""Registry staff (登记中心工作人员) who work the manual-review queue."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class StaffRole(StrEnum):
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Staff(Model):
    """A registry staff account whose `password_hash` is an encoded scrypt hash with its own random salt."""

    id = fields.UUIDField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)  # stored lower-case
    display_name = fields.CharField(max_length=64)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(StaffRole, max_length=16, default=StaffRole.REVIEWER)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "registry_staff"
