"""The registry staff's statistics route: `GET /api/v1/staff/statistics?from=&to=&institution_id=`."""

import logging

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.banks.models import Institution
from mortgage_cloud.consent.service import parse_uuid
from mortgage_cloud.errors import NotFound
from mortgage_cloud.review.staff_auth import staff_required
from mortgage_cloud.statistics.period import parse_period
from mortgage_cloud.statistics.service import application_statistics, institution_volumes

log = logging.getLogger(__name__)

bp = Blueprint("registry_statistics", url_prefix="/api/v1/staff")


@bp.get("/statistics")
@staff_required
async def statistics(request: Request) -> HTTPResponse:
    """Return the statistics of applications submitted from `from` to `to` (YYYY-MM-DD, China time, inclusive).

    Every staff role may read them. `institution_id` narrows them to one bank or fund centre, and the
    `institutions` list gives each institution's volume in the period, for choosing one.
    """
    period = parse_period(request.args.get("from"), request.args.get("to"))
    institution_id = None
    if request.args.get("institution_id"):
        institution_id = parse_uuid(request.args.get("institution_id"), field="institution_id")
        if not await Institution.exists(id=institution_id):
            raise NotFound("未找到该金融机构，请从列表中选择。", code="INSTITUTION_NOT_FOUND", field="institution_id")

    result = await application_statistics(period, institution_id=institution_id)
    result["institutions"] = await institution_volumes(period)
    log.info("staff read statistics", extra={"staff_id": str(request.ctx.staff.id)})
    return json(result, headers={"Cache-Control": "no-store"})
