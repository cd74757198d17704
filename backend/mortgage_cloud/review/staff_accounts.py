"""Registry staff account administration: list, read, change role, deactivate and reactivate. Accounts are never deleted."""

import logging
import uuid
from typing import Any

from mortgage_cloud.errors import Conflict, NotFound, field_error
from mortgage_cloud.review.models import Staff, StaffRole
from mortgage_cloud.review.staff import normalize_username

log = logging.getLogger(__name__)

PAGE_MAX = 100_000
PAGE_SIZE_MAX = 100


def parse_role(value: object) -> StaffRole:
    """Return the staff role named by `value`, or raise a field error."""
    try:
        return StaffRole(str(value or ""))
    except ValueError:
        raise field_error("role", "角色须为 reviewer（审核员）或 admin（管理员）。") from None


async def list_staff(*, page: int = 1, page_size: int = 20) -> dict[str, Any]:
    """Return one page of staff accounts, oldest first, deactivated ones included."""
    if not 1 <= page <= PAGE_MAX or not 1 <= page_size <= PAGE_SIZE_MAX:
        raise field_error("page_size", f"page 须为 1 至 {PAGE_MAX}，page_size 须为 1 至 {PAGE_SIZE_MAX}。")
    total = await Staff.all().count()
    accounts = await Staff.all().order_by("created_at", "id").offset((page - 1) * page_size).limit(page_size)
    return {"items": [describe_staff(staff) for staff in accounts], "page": page, "page_size": page_size,
            "total": total}


async def get_staff(*, staff_id: object = None, username: object = None) -> Staff:
    """Return the staff account with this id or username, or raise NotFound."""
    if staff_id is not None:
        try:
            staff = await Staff.get_or_none(id=uuid.UUID(str(staff_id)))
        except ValueError:
            raise field_error("staff_id", "工作人员编号格式有误，应为 UUID。") from None
    else:
        staff = await Staff.get_or_none(username=normalize_username(username))
    if staff is None:
        raise NotFound("未找到该工作人员账号。", code="STAFF_NOT_FOUND")
    return staff


async def change_staff_role(*, staff: Staff, role: StaffRole, acting_staff: Staff | None = None) -> Staff:
    """Give a staff account another role. Admins cannot change their own role, so one admin always remains."""
    _reject_self_change(staff, acting_staff)
    if staff.role != role:
        previous = staff.role
        staff.role = role
        await staff.save(update_fields=["role"])
        log.info("staff role changed", extra={"staff_id": str(staff.id), "from_role": str(previous),
                                               "to_role": str(role)})
    return staff


async def set_staff_active(*, staff: Staff, active: bool, acting_staff: Staff | None = None) -> Staff:
    """Deactivate or reactivate a staff account. A deactivated account's sessions stop working at once."""
    _reject_self_change(staff, acting_staff)
    if staff.active != active:
        staff.active = active
        await staff.save(update_fields=["active"])
        log.info("staff account status changed", extra={"staff_id": str(staff.id), "active": active})
    return staff


def describe_staff(staff: Staff) -> dict[str, Any]:
    """Describe a staff account for admins. The password hash never leaves the server."""
    return {
        "id": str(staff.id),
        "username": staff.username,
        "display_name": staff.display_name,
        "role": str(staff.role),
        "active": staff.active,
        "created_at": staff.created_at.isoformat(),
        "last_login_at": staff.last_login_at.isoformat() if staff.last_login_at else None,
    }


def _reject_self_change(staff: Staff, acting_staff: Staff | None) -> None:
    if acting_staff is not None and acting_staff.id == staff.id:
        log.info("staff tried to change own account", extra={"staff_id": str(staff.id)})
        raise Conflict("不能修改自己的角色或账号状态，请由其他管理员办理。", code="STAFF_SELF_CHANGE", field="staff_id")
