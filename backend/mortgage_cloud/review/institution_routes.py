"""Onboarding banks and fund centres by the platform's operators: registry staff with the admin role."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.banks import service
from mortgage_cloud.errors import field_error
from mortgage_cloud.http import json_body
from mortgage_cloud.review.models import StaffRole
from mortgage_cloud.review.staff_auth import staff_required

bp = Blueprint("registry_staff_institutions", url_prefix="/api/v1/staff/institutions")


@bp.get("/")
@staff_required(role=StaffRole.ADMIN)
async def list_institutions(request: Request) -> HTTPResponse:
    """List every institution with its certificates, in onboarding order."""
    institutions = await service.list_institutions()
    return json({"items": [await service.institution_profile(institution=item) for item in institutions]})


@bp.post("/")
@staff_required(role=StaffRole.ADMIN)
async def onboard(request: Request) -> HTTPResponse:
    """Register an institution and its first API certificate, from a CSR or public key it sent, or generated.

    A generated private key is in this response only: the platform keeps no copy.
    """
    body = json_body(request)
    result = await service.onboard_institution(
        name=str(body.get("name") or ""), uscc=str(body.get("uscc") or ""), kind=str(body.get("kind") or ""),
        webhook_url=_optional_text(body, "webhook_url"), csr_pem=_optional_text(body, "csr_pem"),
        public_key_pem=_optional_text(body, "public_key_pem"),
        algorithm=str(body.get("algorithm") or "ecdsa-p256-sha256"),
        accept_uscc_warning=body.get("accept_uscc_warning") is True,
    )
    return json({
        "institution": await service.institution_profile(institution=result.institution),
        "serial_no": result.serial_no,
        "private_key_pem": result.private_key_pem,
        "warnings": result.warnings,
    }, status=201, headers={"Cache-Control": "no-store"})


@bp.post("/<institution_id>/status")
@staff_required(role=StaffRole.ADMIN)
async def set_status(request: Request, institution_id: str) -> HTTPResponse:
    """Suspend an institution's API access (`suspended`) or restore it (`active`)."""
    body = json_body(request)
    institution = await service.set_institution_status(institution_id=institution_id,
                                                       status=str(body.get("status") or ""))
    return json(await service.institution_profile(institution=institution))


def _optional_text(body: dict, field: str) -> str | None:
    value = body.get(field)
    if value is not None and not isinstance(value, str):
        raise field_error(field, f"{field} 须为文本，不需要时请省略。")
    return value or None
