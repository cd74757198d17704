"""The signed bank API for valuations: value a property, read a valuation back, download its report."""

import logging
import uuid
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file, json

from mortgage_cloud.banks.auth import bank_required
from mortgage_cloud.banks.idempotency import idempotent
from mortgage_cloud.banks.models import OfficerRole
from mortgage_cloud.errors import Forbidden, NotFound, field_error
from mortgage_cloud.http import json_body
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.valuation.models import Valuation
from mortgage_cloud.valuation.report import write_report
from mortgage_cloud.valuation.service import current_model, value_property

log = logging.getLogger(__name__)

# Responses under /bank/ are signed by the app-wide hook that `banks.responses.install_response_signing` adds.
bp = Blueprint("valuation", url_prefix="/bank/v1")


@bp.post("/valuations")
@bank_required(role=OfficerRole.LOAN_OFFICER)
@idempotent
async def create_valuation(request: Request) -> HTTPResponse:
    """Value a property given `address` fields, or `unit_no` with the caller's own `application_id` on that unit."""
    body = json_body(request)
    if not body:
        raise field_error("body", "请求体须为 JSON 对象，包含 address 或 unit_no。")

    institution = request.ctx.institution
    application_id = _optional_uuid(body.get("application_id"), "application_id")
    unit_no = body.get("unit_no")
    if application_id is not None or unit_no is not None:
        await _authorise_application(institution.id, application_id, unit_no)

    valuation = await value_property(
        unit_no=unit_no, address=body.get("address"), application_id=application_id, institution_id=institution.id
    )
    return json(valuation_body(valuation), status=201)


@bp.get("/valuations/<valuation_id:str>")
@bank_required(role=OfficerRole.READ_ONLY)
async def get_valuation(request: Request, valuation_id: str) -> HTTPResponse:
    """Return one of the caller's valuations."""
    valuation = await _own_valuation(request, valuation_id)
    return json(valuation_body(valuation))


@bp.get("/valuations/<valuation_id:str>/report.pdf")
@bank_required(role=OfficerRole.READ_ONLY)
async def get_valuation_report(request: Request, valuation_id: str) -> HTTPResponse:
    """Return the valuation report as PDF, writing it on first request."""
    valuation = await _own_valuation(request, valuation_id)
    directory = runtime().settings.data_dir / "valuation" / "reports"
    pdf_path = directory / f"valuation-{valuation.id}.pdf"
    if not pdf_path.exists():
        community = valuation.input["subject"]["community"]
        files = await write_report(valuation, directory=directory, community_prices=current_model().community_prices(community))
        pdf_path = files.pdf
    return await file(pdf_path, mime_type="application/pdf", filename=pdf_path.name)


def valuation_body(valuation: Valuation) -> dict[str, Any]:
    """Return the API representation of a valuation (amounts in yuan, as strings with two decimals)."""
    return {
        "id": str(valuation.id),
        "application_id": str(valuation.application_id) if valuation.application_id else None,
        "unit_no": valuation.unit_no,
        "subject": valuation.input.get("subject"),
        "method": str(valuation.method),
        "unit_price": str(valuation.unit_price),
        "total_value": str(valuation.total_value),
        "interval_80": {"low": str(valuation.low_total_value), "high": str(valuation.high_total_value)},
        "unit_price_interval_80": {"low": str(valuation.low_unit_price), "high": str(valuation.high_unit_price)},
        "confidence_grade": str(valuation.confidence_grade),
        "comparables": valuation.comparables,
        "model_version": valuation.model_version,
        "created_at": valuation.created_at.isoformat(),
    }


async def _authorise_application(institution_id: Any, application_id: uuid.UUID | None, unit_no: Any) -> None:
    # The register is readable only under a borrower's consent, so a unit number is valued only
    # through the caller's own application on that unit, which carries the consent.
    from mortgage_cloud.applications.models import Application

    if application_id is None:
        raise field_error("application_id", "按不动产单元号估价时须同时提供本机构在该单元上的申请编号 application_id。")
    application = await Application.get_or_none(id=application_id, institution_id=institution_id)
    if application is None:
        raise NotFound("未找到该申请。", field="application_id")
    if unit_no is not None and unit_no != application.unit_no:
        log.info("valuation unit differs from application", extra={"application_id": str(application_id)})
        raise Forbidden("不动产单元号与申请中的单元不一致。", field="unit_no")


async def _own_valuation(request: Request, valuation_id: str) -> Valuation:
    parsed = _optional_uuid(valuation_id, "valuation_id")
    valuation = await Valuation.get_or_none(id=parsed, institution_id=request.ctx.institution.id)
    if valuation is None:
        raise NotFound("未找到该评估记录。", field="valuation_id")
    return valuation


def _optional_uuid(value: Any, name: str) -> uuid.UUID | None:
    if value is None or value == "":
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise field_error(name, f"{name} 须为 UUID，例如 3f2b8c1e-0000-4000-8000-000000000000。") from None
