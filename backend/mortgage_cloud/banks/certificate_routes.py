"""Bank API routes for the institution's own API certificates: list, rotate, revoke."""

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.banks import service
from mortgage_cloud.banks.auth import bank_required
from mortgage_cloud.banks.idempotency import idempotent
from mortgage_cloud.banks.models import OfficerRole, SignatureAlgorithm
from mortgage_cloud.errors import field_error
from mortgage_cloud.http import json_body

bp = Blueprint("bank_certificates", url_prefix="/bank/v1")

PEM_MAX_LENGTH = 16_384


@bp.get("/certificates")
@bank_required(role=OfficerRole.READ_ONLY)
async def list_certificates(request: Request) -> HTTPResponse:
    """List the institution's API certificates, revoked ones included."""
    return json({"items": await service.list_certificates(institution_id=request.ctx.institution.id)})


@bp.post("/certificates")
@bank_required(role=OfficerRole.SUPERVISOR)
@idempotent
async def rotate(request: Request) -> HTTPResponse:
    """Add a certificate from the bank's CSR or public key, or for a key the platform generates.

    The old certificates stay active until the bank revokes them. A generated private key is in this
    response only: a retry with the same Idempotency-Key gets the certificate without the key.
    """
    body = json_body(request)
    result = await service.rotate_certificate(
        institution_id=request.ctx.institution.id,
        algorithm=str(body.get("algorithm") or SignatureAlgorithm.ECDSA_P256_SHA256),
        csr_pem=_pem(body, "csr_pem"),
        public_key_pem=_pem(body, "public_key_pem"),
    )
    certificate = service.describe_certificate(result.certificate)
    if result.private_key_pem is not None:
        request.ctx.replay_body = {"certificate": certificate, "private_key_pem": None, "private_key_delivered": True}
    return json({"certificate": certificate, "private_key_pem": result.private_key_pem,
                 "private_key_delivered": result.private_key_pem is not None}, status=201)


@bp.post("/certificates/<serial_no>/revoke")
@bank_required(role=OfficerRole.SUPERVISOR)
@idempotent
async def revoke(request: Request, serial_no: str) -> HTTPResponse:
    """Revoke one of the institution's certificates with a reason. The CA's CRL lists it from then on."""
    body = json_body(request)
    if not body.get("reason"):
        raise field_error("reason", "请填写吊销原因 reason，例如 key_compromise（私钥泄露）或 superseded（已被新证书取代）。")
    certificate = await service.revoke_certificate(
        serial_no=serial_no, reason=str(body["reason"]), institution_id=request.ctx.institution.id,
    )
    return json(service.describe_certificate(certificate))


def _pem(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > PEM_MAX_LENGTH:
        raise field_error(name, f"{name} 须为不超过 {PEM_MAX_LENGTH} 个字符的 PEM 文本。")
    return value
