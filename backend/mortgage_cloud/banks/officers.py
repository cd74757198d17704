"""Officers of an institution: list, read, change role, disable and enable. Officers are never deleted."""

import logging
import re
import uuid
from datetime import datetime, timezone
from typing import Any

from mortgage_cloud.banks.models import Officer, OfficerRole, OfficerStatus
from mortgage_cloud.errors import Conflict, NotFound, field_error
from mortgage_cloud.infra import pii
from mortgage_cloud.infra.logging import mask_phone

log = logging.getLogger(__name__)

PAGE_MAX = 100_000
PAGE_SIZE_MAX = 100
PHONE_PATTERN = re.compile(r"1[3-9]\d{9}")


def parse_role(value: object) -> OfficerRole:
    """Return the officer role named by `value`, or raise a field error listing the roles."""
    try:
        return OfficerRole(str(value or ""))
    except ValueError:
        raise field_error("role", "经办人角色只能是 loan_officer（客户经理）、supervisor（主管）或 read_only（只读）。") from None


def parse_status(value: object) -> OfficerStatus:
    """Return the officer status named by `value`, or raise a field error."""
    try:
        return OfficerStatus(str(value or ""))
    except ValueError:
        raise field_error("status", "经办人状态只能是 active（启用）或 disabled（停用）。") from None


async def list_officers(
    *, institution_id: uuid.UUID, page: int = 1, page_size: int = 20, status: OfficerStatus | None = None
) -> dict[str, Any]:
    """Return one page of the institution's officers, oldest first, optionally of one status."""
    if not 1 <= page <= PAGE_MAX or not 1 <= page_size <= PAGE_SIZE_MAX:
        raise field_error("page_size", f"page 须为 1 至 {PAGE_MAX}，page_size 须为 1 至 {PAGE_SIZE_MAX}。")
    query = Officer.filter(institution_id=institution_id)
    if status is not None:
        query = query.filter(status=status)
    total = await query.count()
    officers = await query.order_by("created_at", "id").offset((page - 1) * page_size).limit(page_size)
    return {"items": [describe_officer(officer) for officer in officers], "page": page, "page_size": page_size,
            "total": total}


async def get_officer(*, institution_id: uuid.UUID | None, officer_id: object) -> Officer:
    """Return the institution's officer with this id, or raise NotFound, also for another institution's officer.

    `institution_id=None` finds an officer of any institution, for the platform operator's CLI.
    """
    try:
        parsed = uuid.UUID(str(officer_id))
    except ValueError:
        raise field_error("officer_id", "经办人编号格式有误，应为 UUID。") from None
    query = Officer.filter(id=parsed)
    if institution_id is not None:
        query = query.filter(institution_id=institution_id)
    officer = await query.first()
    if officer is None:
        raise NotFound("本机构没有该经办人。", code="OFFICER_NOT_FOUND", field="officer_id")
    return officer


async def change_officer_role(*, officer: Officer, role: OfficerRole, acting_officer: Officer | None = None) -> Officer:
    """Give the officer a new role. An officer cannot change their own role, so no one raises their own rights."""
    _reject_self_change(officer, acting_officer)
    if officer.role != role:
        previous = officer.role
        officer.role = role
        await officer.save(update_fields=["role", "updated_at"])
        log.info("officer role changed", extra={"officer_id": str(officer.id), "from_role": str(previous),
                                                 "to_role": str(role)})
    return officer


async def set_officer_status(
    *, officer: Officer, status: OfficerStatus, acting_officer: Officer | None = None
) -> Officer:
    """Disable or re-enable an officer. A disabled officer's requests are rejected, and setting the same status changes nothing."""
    _reject_self_change(officer, acting_officer)
    if officer.status == status:
        return officer

    officer.status = status
    officer.disabled_at = datetime.now(timezone.utc) if status == OfficerStatus.DISABLED else None
    await officer.save(update_fields=["status", "disabled_at", "updated_at"])
    log.info("officer status changed", extra={"officer_id": str(officer.id), "status": str(status)})
    return officer


def check_officer_phone(phone: str | None) -> str | None:
    """Return the 11-digit mainland mobile number in `phone`, None for no number, or raise a field error."""
    if phone is None or not str(phone).strip():
        return None
    digits = re.sub(r"[\s-]", "", str(phone)).removeprefix("+86")
    if not PHONE_PATTERN.fullmatch(digits):
        raise field_error("phone", "经办人手机号须为 11 位中国大陆手机号码。")
    return digits


def officer_phone_fields(phone: str | None) -> dict[str, str | None]:
    """Return the officer columns that store a checked phone number: its ciphertext and its keyed search hash."""
    if phone is None:
        return {"phone_enc": None, "phone_hash": None}
    return {"phone_enc": pii.encrypt(phone), "phone_hash": pii.search_hash(phone)}


async def change_officer_phone(*, officer: Officer, phone: str | None) -> Officer:
    """Replace or clear the officer's phone number, with the search hash that console login looks it up by."""
    checked = check_officer_phone(phone)
    fields = officer_phone_fields(checked)
    for name, value in fields.items():
        setattr(officer, name, value)
    await officer.save(update_fields=[*fields, "updated_at"])
    log.info("officer phone changed", extra={"officer_id": str(officer.id), "phone_set": checked is not None})
    return officer


def describe_officer(officer: Officer) -> dict[str, Any]:
    """Describe an officer for the bank API and the CLI, with the phone number masked."""
    return {
        "id": str(officer.id),
        "institution_id": str(officer.institution_id),
        "name": officer.name,
        "role": str(officer.role),
        "status": str(officer.status),
        "phone": mask_phone(pii.decrypt(officer.phone_enc)) if officer.phone_enc else None,
        "created_at": officer.created_at.isoformat(),
        "disabled_at": officer.disabled_at.isoformat() if officer.disabled_at else None,
    }


def _reject_self_change(officer: Officer, acting_officer: Officer | None) -> None:
    if acting_officer is not None and acting_officer.id == officer.id:
        log.info("officer tried to change own account", extra={"officer_id": str(officer.id)})
        raise Conflict("经办人不能修改自己的角色或状态，请由本机构其他主管或业务系统办理。", code="OFFICER_SELF_CHANGE",
                       field="officer_id")
