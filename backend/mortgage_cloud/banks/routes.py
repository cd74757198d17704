"""The signed bank API (`/bank/v1`): routes for the institution itself and the platform's certificates."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.banks.auth import bank_required
from mortgage_cloud.banks.models import OfficerRole
from mortgage_cloud.banks.responses import platform_api_key
from mortgage_cloud.banks.idempotency import idempotent
from mortgage_cloud.banks.service import institution_profile, set_webhook_url
from mortgage_cloud.errors import field_error
from mortgage_cloud.http import json_body

bp = Blueprint("banks", url_prefix="/bank/v1")


@bp.get("/platform-certificates")
async def platform_certificates(request: Request) -> HTTPResponse:
    """List the certificates whose keys sign the platform's responses, with the CA that issued them.

    Unsigned requests are allowed: a bank needs these certificates before it can check anything.
    """
    key = await platform_api_key()
    return json({"certificates": key.certificate_list(), "ca_certificate_pem": key.ca_certificate_pem})


@bp.get("/institution")
@bank_required(role=OfficerRole.READ_ONLY)
async def current_institution(request: Request) -> HTTPResponse:
    """Return the calling institution's profile and its certificates."""
    return json(await institution_profile(institution=request.ctx.institution))


@bp.post("/institution/webhook-url")
@bank_required(role=OfficerRole.SUPERVISOR)
@idempotent
async def change_webhook_url(request: Request) -> HTTPResponse:
    """Set the URL that receives the institution's webhooks; `null` stops new deliveries."""
    body = json_body(request)
    if "webhook_url" not in body:
        raise field_error("webhook_url", "请提供回调地址 webhook_url；如需停止回调，请传 null。")
    institution = await set_webhook_url(institution_id=request.ctx.institution.id, webhook_url=body["webhook_url"])
    return json(await institution_profile(institution=institution))
