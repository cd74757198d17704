"""Register look-up for registry staff: `GET /api/v1/staff/units/<unit_no>`."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.review.staff_auth import staff_required
from mortgage_cloud.review.unit_lookup import look_up_unit

bp = Blueprint("registry_staff_units", url_prefix="/api/v1/staff")


@bp.get("/units/<unit_no:str>")
@staff_required
async def unit(request: Request, unit_no: str) -> HTTPResponse:
    """Return the unit's current owners (ID numbers masked), rights, restrictions, recent entries and chain check."""
    view = await look_up_unit(unit_no, staff_id=str(request.ctx.staff.id))
    return json(view, headers={"Cache-Control": "no-store"})
