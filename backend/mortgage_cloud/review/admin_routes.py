"""Registry staff administration routes: staff accounts and the list of every application, for admins only.

`GET /me` is open to every staff member, so the console can show the functions of the caller's role.
"""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.http import json_body
from mortgage_cloud.review import staff_accounts
from mortgage_cloud.review.models import StaffRole
from mortgage_cloud.review.routes import paging
from mortgage_cloud.review.staff import create_staff
from mortgage_cloud.review.staff_auth import staff_required
from mortgage_cloud.review.staff_queue import list_applications

bp = Blueprint("registry_staff_admin", url_prefix="/api/v1/staff")


@bp.get("/me")
@staff_required
async def me(request: Request) -> HTTPResponse:
    """Return the logged-in staff member's account and role."""
    return json(staff_accounts.describe_staff(request.ctx.staff))


@bp.get("/accounts")
@staff_required(role=StaffRole.ADMIN)
async def list_accounts(request: Request) -> HTTPResponse:
    """List staff accounts, oldest first, paged."""
    page, page_size = paging(request)
    return json(await staff_accounts.list_staff(page=page, page_size=page_size))


@bp.post("/accounts")
@staff_required(role=StaffRole.ADMIN)
async def create_account(request: Request) -> HTTPResponse:
    """Create a staff account and return its one-time password, which is not stored and cannot be shown again."""
    body = json_body(request)
    role = staff_accounts.parse_role(body.get("role") or StaffRole.REVIEWER)
    staff, password = await create_staff(username=str(body.get("username") or ""),
                                         display_name=str(body.get("display_name") or ""), role=role)
    return json({"account": staff_accounts.describe_staff(staff), "password": password}, status=201,
                headers={"Cache-Control": "no-store"})


@bp.get("/accounts/<staff_id>")
@staff_required(role=StaffRole.ADMIN)
async def get_account(request: Request, staff_id: str) -> HTTPResponse:
    """Return one staff account."""
    return json(staff_accounts.describe_staff(await staff_accounts.get_staff(staff_id=staff_id)))


@bp.post("/accounts/<staff_id>/role")
@staff_required(role=StaffRole.ADMIN)
async def change_role(request: Request, staff_id: str) -> HTTPResponse:
    """Give a staff account another role. Admins cannot change their own role."""
    role = staff_accounts.parse_role(json_body(request).get("role"))
    staff = await staff_accounts.get_staff(staff_id=staff_id)
    staff = await staff_accounts.change_staff_role(staff=staff, role=role, acting_staff=request.ctx.staff)
    return json(staff_accounts.describe_staff(staff))


@bp.post("/accounts/<staff_id>/disable")
@staff_required(role=StaffRole.ADMIN)
async def disable_account(request: Request, staff_id: str) -> HTTPResponse:
    """Deactivate a staff account, whose sessions stop working at once. The account's record stays."""
    return await _set_active(request, staff_id, active=False)


@bp.post("/accounts/<staff_id>/enable")
@staff_required(role=StaffRole.ADMIN)
async def enable_account(request: Request, staff_id: str) -> HTTPResponse:
    """Reactivate a deactivated staff account."""
    return await _set_active(request, staff_id, active=True)


@bp.get("/applications")
@staff_required(role=StaffRole.ADMIN)
async def applications(request: Request) -> HTTPResponse:
    """List every application, newest first, optionally in one `state`, paged."""
    page, page_size = paging(request)
    return json(await list_applications(page=page, page_size=page_size, state=request.args.get("state")))


async def _set_active(request: Request, staff_id: str, *, active: bool) -> HTTPResponse:
    staff = await staff_accounts.get_staff(staff_id=staff_id)
    staff = await staff_accounts.set_staff_active(staff=staff, active=active, acting_staff=request.ctx.staff)
    return json(staff_accounts.describe_staff(staff))
