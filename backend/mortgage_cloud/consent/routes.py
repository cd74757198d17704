"""Borrower routes for lookup consents and the borrower's own property list."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.consent import service
from mortgage_cloud.consent.views import property_view
from mortgage_cloud.errors import field_error
from mortgage_cloud.http import client_ip, json_body
from mortgage_cloud.identity.auth import borrower_required

bp = Blueprint("borrower_consents", url_prefix="/api/v1")

DEFAULT_PURPOSE = "办理个人住房贷款抵押登记"


@bp.get("/institutions")
@borrower_required
async def list_institutions(request: Request) -> HTTPResponse:
    """List the active banks and fund centres a borrower can grant a consent to."""
    from mortgage_cloud.banks.models import Institution

    institutions = await Institution.filter(status="active").order_by("name")
    return json({"items": [{"id": str(item.id), "name": item.name, "kind": item.kind} for item in institutions]})


@bp.post("/consents")
@borrower_required
async def grant(request: Request) -> HTTPResponse:
    """Grant an institution a lookup consent and return it with the exact agreement text accepted."""
    body = json_body(request)
    consent, text = await service.grant_consent(
        borrower=request.ctx.borrower,
        institution_id=str(body.get("institution_id", "")),
        purpose=_purpose(body.get("purpose")),
        valid_days=_int(body.get("valid_days", 30)),
        client=service.ClientInfo(ip=client_ip(request), user_agent=request.headers.get("User-Agent")),
    )
    return json({**_consent_view(consent), "agreement_text": text}, status=201)


@bp.get("/consents/agreement")
@borrower_required
async def preview_agreement(request: Request) -> HTTPResponse:
    """Return the exact agreement text a grant with these query parameters would record, before the borrower agrees."""
    valid_days = request.args.get("valid_days", "30")
    if not valid_days.isdigit():
        raise field_error("valid_days", "授权有效期 valid_days 须为整数天数，例如 30。")
    preview = await service.preview_agreement(
        borrower=request.ctx.borrower,
        institution_id=request.args.get("institution_id", ""),
        purpose=_purpose(request.args.get("purpose")),
        valid_days=int(valid_days),
    )
    return json(preview)


@bp.get("/consents")
@borrower_required
async def list_consents(request: Request) -> HTTPResponse:
    """List the borrower's consents with their status."""
    consents = await service.consents_of(request.ctx.borrower)
    return json({"items": [_consent_view(item) for item in consents]})


@bp.delete("/consents/<consent_id>")
@borrower_required
async def revoke(request: Request, consent_id: str) -> HTTPResponse:
    """Revoke a consent; the institution can no longer query with it."""
    consent = await service.revoke_consent(borrower=request.ctx.borrower, consent_id=consent_id)
    return json(_consent_view(consent))


@bp.get("/me/properties")
@borrower_required
async def my_properties(request: Request) -> HTTPResponse:
    """List the properties registered under the borrower's verified identity, with their status."""
    from mortgage_cloud.registry.service import units_owned_by

    borrower = request.ctx.borrower
    if not borrower.id_hash or borrower.identity_verified_at is None:
        return json({"items": [], "identity_verified": False})
    snapshots = await units_owned_by(borrower.id_hash)
    items = [property_view(snapshot, mortgagor_id_hashes={borrower.id_hash}) for snapshot in snapshots]
    return json({"items": items, "identity_verified": True})


def _consent_view(consent) -> dict:
    return {
        "id": str(consent.id),
        "institution_id": str(consent.institution_id),
        "purpose": consent.purpose,
        "granted_at": consent.granted_at.isoformat(),
        "expires_at": consent.expires_at.isoformat(),
        "revoked_at": consent.revoked_at.isoformat() if consent.revoked_at else None,
        "valid": service.is_valid(consent),
        "agreement_version": consent.agreement_version,
        "agreement_sha256": consent.agreement_sha256,
    }


def _int(value) -> int:
    # bool is a subclass of int in Python, so `true` would otherwise pass as 1 day.
    if isinstance(value, bool) or not isinstance(value, int):
        raise field_error("valid_days", "授权有效期 valid_days 须为整数天数，例如 30。")
    return value


def _purpose(value) -> str:
    if value is None or value == "":
        return DEFAULT_PURPOSE
    if not isinstance(value, str):
        raise field_error("purpose", "查询用途 purpose 须为文字。")
    return value
