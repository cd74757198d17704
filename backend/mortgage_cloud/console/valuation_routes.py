"""Console API for valuations: value a property by one of the institution's applications or by address fields.

A unit number is valued only through one of the institution's own applications on that unit,
because the register is readable only under the borrower's consent, as on the signed bank API.
"""

import logging
from pathlib import Path
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file, json

from mortgage_cloud.applications.service import application_for_institution
from mortgage_cloud.banks.models import OfficerRole
from mortgage_cloud.console.auth import console_required
from mortgage_cloud.consent.service import parse_uuid
from mortgage_cloud.errors import Forbidden, NotFound, field_error
from mortgage_cloud.http import json_body
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.valuation.models import Valuation
from mortgage_cloud.valuation.report import write_report
from mortgage_cloud.valuation.routes import valuation_body
from mortgage_cloud.valuation.service import current_model, value_property

log = logging.getLogger(__name__)

bp = Blueprint("console_valuations", url_prefix="/console/v1")

REPORT_TYPES = {"pdf": "application/pdf",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@bp.post("/valuations")
@console_required(role=OfficerRole.LOAN_OFFICER)
async def create_valuation(request: Request) -> HTTPResponse:
    """Value a property given `address` fields, or `application_id` of one of the institution's applications."""
    body = json_body(request)
    institution = request.ctx.institution
    application_id = body.get("application_id") or None
    unit_no = body.get("unit_no") or None
    address = body.get("address") or None
    if application_id is None and address is None:
        raise field_error("application_id", "请选择本机构的一笔申请（按其不动产单元估价），或填写地址信息。")

    application = None
    if application_id is not None:
        application = await application_for_institution(institution=institution, application_id=str(application_id))
        if unit_no is not None and unit_no != application.unit_no:
            log.info("console valuation unit differs from application", extra={"application_id": str(application.id)})
            raise Forbidden("不动产单元号与所选申请的单元不一致。", field="unit_no")

    valuation = await value_property(
        unit_no=application.unit_no if application else None,
        address=None if application else address,
        application_id=application.id if application else None,
        institution_id=institution.id,
    )
    return json(valuation_body(valuation), status=201)


@bp.get("/valuations/<valuation_id:str>")
@console_required(role=OfficerRole.READ_ONLY)
async def get_valuation(request: Request, valuation_id: str) -> HTTPResponse:
    """Return one of the institution's valuations."""
    return json(valuation_body(await _own_valuation(request, valuation_id)))


@bp.get("/valuations/<valuation_id:str>/report/<extension:str>")
@console_required(role=OfficerRole.READ_ONLY)
async def get_report(request: Request, valuation_id: str, extension: str) -> HTTPResponse:
    """Return the valuation report as PDF or .docx, writing both on first request."""
    if extension not in REPORT_TYPES:
        raise NotFound("评估报告只有 PDF 和 Word（.docx）两种格式。", code="REPORT_FORMAT_NOT_FOUND")
    valuation = await _own_valuation(request, valuation_id)
    path = await _report_file(valuation, extension)
    return await file(path, mime_type=REPORT_TYPES[extension], filename=path.name,
                      headers={"Cache-Control": "no-store"})


async def _report_file(valuation: Valuation, extension: str) -> Path:
    # The same folder and names as the bank API's report route, so each report is written once.
    directory = runtime().settings.data_dir / "valuation" / "reports"
    path = directory / f"valuation-{valuation.id}.{extension}"
    if not path.exists():
        community = valuation.input["subject"]["community"]
        files = await write_report(valuation, directory=directory,
                                   community_prices=current_model().community_prices(community))
        path = files.pdf if extension == "pdf" else files.docx
    return path


async def _own_valuation(request: Request, valuation_id: Any) -> Valuation:
    parsed = parse_uuid(valuation_id, field="valuation_id")
    valuation = await Valuation.get_or_none(id=parsed, institution_id=request.ctx.institution.id)
    if valuation is None:
        raise NotFound("未找到该评估记录。", code="VALUATION_NOT_FOUND", field="valuation_id")
    return valuation
