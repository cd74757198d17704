"""Bank API routes for the institution's officers: create, list, read, change role or phone, disable and enable.

Every route needs a supervisor or the institution's system account (a request without `Mc-Officer-Id`).
"""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.banks import officers
from mortgage_cloud.banks.auth import bank_required
from mortgage_cloud.banks.idempotency import idempotent
from mortgage_cloud.banks.models import OfficerRole, OfficerStatus
from mortgage_cloud.banks.service import create_officer
from mortgage_cloud.errors import field_error
from mortgage_cloud.http import json_body

bp = Blueprint("bank_officers", url_prefix="/bank/v1")


@bp.post("/officers")
@bank_required(role=OfficerRole.SUPERVISOR)
@idempotent
async def create(request: Request) -> HTTPResponse:
    """Register an officer of the calling institution."""
    body = json_body(request)
    officer = await create_officer(
        institution_id=request.ctx.institution.id,
        name=str(body.get("name") or ""),
        role=str(body.get("role") or OfficerRole.LOAN_OFFICER),
        phone=str(body["phone"]) if body.get("phone") else None,
    )
    return json(officers.describe_officer(officer), status=201)


@bp.get("/officers")
@bank_required(role=OfficerRole.SUPERVISOR)
async def list_officers(request: Request) -> HTTPResponse:
    """List the institution's officers, oldest first, optionally by status, paged."""
    page, page_size = _paging(request)
    status = request.args.get("status")
    return json(await officers.list_officers(
        institution_id=request.ctx.institution.id, page=page, page_size=page_size,
        status=officers.parse_status(status) if status is not None else None,
    ))


@bp.get("/officers/<officer_id>")
@bank_required(role=OfficerRole.SUPERVISOR)
async def get_officer(request: Request, officer_id: str) -> HTTPResponse:
    """Return one of the institution's officers."""
    officer = await officers.get_officer(institution_id=request.ctx.institution.id, officer_id=officer_id)
    return json(officers.describe_officer(officer))


@bp.post("/officers/<officer_id>/role")
@bank_required(role=OfficerRole.SUPERVISOR)
@idempotent
async def change_role(request: Request, officer_id: str) -> HTTPResponse:
    """Give one of the institution's officers another role."""
    role = officers.parse_role(json_body(request).get("role"))
    officer = await officers.get_officer(institution_id=request.ctx.institution.id, officer_id=officer_id)
    officer = await officers.change_officer_role(officer=officer, role=role, acting_officer=request.ctx.officer)
    return json(officers.describe_officer(officer))


@bp.post("/officers/<officer_id>/phone")
@bank_required(role=OfficerRole.SUPERVISOR)
@idempotent
async def change_phone(request: Request, officer_id: str) -> HTTPResponse:
    """Replace an officer's phone number, or clear it with `{"phone": null}`.

    The officer's console sessions end, because the number is a console login.
    """
    body = json_body(request)
    if "phone" not in body:
        raise field_error("phone", "请提供 phone（新的手机号码），清除手机号时传 null。")
    phone = str(body["phone"]) if body["phone"] is not None else None
    officer = await officers.get_officer(institution_id=request.ctx.institution.id, officer_id=officer_id)
    officer = await officers.change_officer_phone(officer=officer, phone=phone)
    return json(officers.describe_officer(officer))


@bp.post("/officers/<officer_id>/disable")
@bank_required(role=OfficerRole.SUPERVISOR)
@idempotent
async def disable(request: Request, officer_id: str) -> HTTPResponse:
    """Disable an officer, whose requests are rejected from then on. The officer's record stays."""
    return await _set_status(request, officer_id, OfficerStatus.DISABLED)


@bp.post("/officers/<officer_id>/enable")
@bank_required(role=OfficerRole.SUPERVISOR)
@idempotent
async def enable(request: Request, officer_id: str) -> HTTPResponse:
    """Enable a disabled officer again."""
    return await _set_status(request, officer_id, OfficerStatus.ACTIVE)


@bp.post("/officers/<officer_id>/console-password")
@bank_required(role=OfficerRole.SUPERVISOR)
@idempotent
async def set_console_password(request: Request, officer_id: str) -> HTTPResponse:
    """Set an officer's console password, or with `{"one_time_code": true}` issue a code the officer redeems on first login.

    Either way the officer's console sessions end.
    """
    from mortgage_cloud.console.passwords import issue_setup_code
    from mortgage_cloud.console.passwords import set_console_password as store_password

    body = json_body(request)
    officer = await officers.get_officer(institution_id=request.ctx.institution.id, officer_id=officer_id)
    if body.get("one_time_code") is True:
        # NOTE: the idempotency record keeps this response, code included, so that a retry gets the same code.
        code, expires_at = await issue_setup_code(officer=officer)
        return json({"officer_id": str(officer.id), "one_time_code": code, "expires_at": expires_at.isoformat()},
                    status=201)
    if "password" not in body:
        raise field_error("password", "请提供 password（新密码），或以 {\"one_time_code\": true} 发放一次性激活码。")
    await store_password(officer=officer, password=body["password"])
    return json({"officer_id": str(officer.id), "password_set": True})


async def _set_status(request: Request, officer_id: str, status: OfficerStatus) -> HTTPResponse:
    officer = await officers.get_officer(institution_id=request.ctx.institution.id, officer_id=officer_id)
    officer = await officers.set_officer_status(officer=officer, status=status, acting_officer=request.ctx.officer)
    return json(officers.describe_officer(officer))


def _paging(request: Request) -> tuple[int, int]:
    try:
        return int(request.args.get("page", 1)), int(request.args.get("page_size", 20))
    except ValueError:
        raise field_error("page", "page 和 page_size 须为正整数。") from None
