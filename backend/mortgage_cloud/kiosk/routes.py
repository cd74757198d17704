"""Kiosk endpoints (`/kiosk/v1`): every request carries the session's kiosk token and the device's id."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw

from mortgage_cloud.applications.models import ApplicationDocument
from mortgage_cloud.applications.previews import preview_page
from mortgage_cloud.applications.signing import decode_signature_image
from mortgage_cloud.errors import field_error
from mortgage_cloud.http import json_body
# The mobile flow's photo decoder, so that both flows accept the same photos and limits.
from mortgage_cloud.identity.routes import _face_image as decode_face_image
from mortgage_cloud.kiosk import sessions, steps, views
from mortgage_cloud.kiosk.auth import kiosk_required

bp = Blueprint("kiosk", url_prefix="/kiosk/v1")


@bp.get("/session")
@kiosk_required
async def get_session(request: Request) -> HTTPResponse:
    """Return whom the session serves and which steps are done."""
    return json(await views.kiosk_view(request.ctx.kiosk_session))


@bp.get("/consent-agreement")
@kiosk_required
async def get_consent_agreement(request: Request) -> HTTPResponse:
    """Return the lookup consent text for the borrower to read before agreeing."""
    return json(await steps.consent_agreement(request.ctx.kiosk_session))


@bp.post("/face-checks")
@kiosk_required
async def post_face_check(request: Request) -> HTTPResponse:
    """Verify the borrower's face (liveness and face-to-ID match); the response gives pass or fail, never the score."""
    image = decode_face_image(json_body(request).get("image_base64"))
    verification = await steps.check_face(session=request.ctx.kiosk_session, image=image,
                                          client=request.ctx.client)
    return json({"verification_id": str(verification.id), "passed": verification.passed,
                 "liveness_passed": verification.liveness_passed}, status=201)


@bp.post("/consents")
@kiosk_required
async def post_consent(request: Request) -> HTTPResponse:
    """Grant the session's institution a lookup consent after a fresh face check at this kiosk."""
    previewed_sha256 = json_body(request).get("agreement_sha256")
    if previewed_sha256 is not None and not isinstance(previewed_sha256, str):
        raise field_error("agreement_sha256", "agreement_sha256 须为页面所示协议文本的 SHA-256 十六进制摘要。")
    consent, text = await steps.grant_consent(
        session=request.ctx.kiosk_session, shown_sha256=previewed_sha256, client=request.ctx.client
    )
    return json({"consent_id": str(consent.id), "expires_at": consent.expires_at.isoformat(),
                 "agreement_version": consent.agreement_version, "agreement_sha256": consent.agreement_sha256,
                 "agreement_text": text}, status=201)


@bp.get("/documents")
@kiosk_required
async def list_documents(request: Request) -> HTTPResponse:
    """List the bound application's documents with their page counts."""
    application = await steps.bound_application(request.ctx.kiosk_session)
    documents = await ApplicationDocument.filter(application_id=application.id).order_by("kind")
    return json({"items": [{"kind": d.kind, "page_count": d.page_count, "sha256": d.sha256,
                            "signature_count": d.signature_count} for d in documents]})


@bp.get("/documents/<kind:str>/pages/<page:int>")
@kiosk_required
async def get_preview_page(request: Request, kind: str, page: int) -> HTTPResponse:
    """Return one page of a document of the bound application as a PNG image."""
    application = await steps.bound_application(request.ctx.kiosk_session)
    image = await preview_page(application=application, kind=kind, page=page)
    return raw(image, content_type="image/png", headers={"Cache-Control": "private, no-store"})


@bp.post("/signatures")
@kiosk_required
async def post_signature(request: Request) -> HTTPResponse:
    """Sign every document of the bound application with the handwritten signature."""
    image = decode_signature_image(json_body(request).get("signature_image"))
    session = request.ctx.kiosk_session
    await steps.sign(session=session, signature_image=image, client=request.ctx.client)
    return json(await views.kiosk_view(session), status=201)


@bp.post("/ratings")
@kiosk_required
async def post_rating(request: Request) -> HTTPResponse:
    """Record the borrower's rating (好差评) of this visit, with an optional comment."""
    rating, comment = steps.parse_rating(json_body(request))
    await steps.rate(session=request.ctx.kiosk_session, rating=rating, comment=comment, client=request.ctx.client)
    return json(await views.kiosk_view(request.ctx.kiosk_session), status=201)


@bp.post("/close")
@kiosk_required
async def post_close(request: Request) -> HTTPResponse:
    """End the session on this device; its token stops working."""
    session = await sessions.close_session(session=request.ctx.kiosk_session, closed_by="kiosk",
                                           client=request.ctx.client)
    return json({"id": str(session.id), "status": sessions.session_status(session)})
