"""Borrower routes of the mini-program: applications, previews, signing, submission and status."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw

from mortgage_cloud.applications import service, signing, submission
from mortgage_cloud.applications.models import ApplicationDocument
from mortgage_cloud.applications.previews import document_pdf, preview_page
from mortgage_cloud.http import json_body
from mortgage_cloud.identity.auth import borrower_required

bp = Blueprint("borrower_applications", url_prefix="/api/v1/applications")


@bp.get("/")
@borrower_required
async def list_applications(request: Request) -> HTTPResponse:
    """List the applications the borrower applied for or must sign."""
    applications = await service.applications_of_borrower(request.ctx.borrower)
    return json({"items": [await submission.status_view(item, caller=request.ctx.borrower) for item in applications]})


@bp.get("/<application_id>")
@borrower_required
async def get_application(request: Request, application_id: str) -> HTTPResponse:
    """Return the application's state, timeline, signers and rule results."""
    application = await service.application_for_borrower(borrower=request.ctx.borrower, application_id=application_id)
    return json(await submission.status_view(application, caller=request.ctx.borrower))


@bp.get("/<application_id>/documents")
@borrower_required
async def list_documents(request: Request, application_id: str) -> HTTPResponse:
    """List the application's documents with their page counts, for the preview screen."""
    application = await service.application_for_borrower(borrower=request.ctx.borrower, application_id=application_id)
    documents = await ApplicationDocument.filter(application_id=application.id).order_by("kind")
    return json({"items": [{"kind": d.kind, "page_count": d.page_count, "sha256": d.sha256,
                            "signature_count": d.signature_count} for d in documents]})


@bp.get("/<application_id>/documents/<kind:str>/pages/<page:int>")
@borrower_required
async def get_preview_page(request: Request, application_id: str, kind: str, page: int) -> HTTPResponse:
    """Return one page of a document as a PNG image."""
    application = await service.application_for_borrower(borrower=request.ctx.borrower, application_id=application_id)
    image = await preview_page(application=application, kind=kind, page=page)
    return raw(image, content_type="image/png", headers={"Cache-Control": "private, max-age=60"})


@bp.get("/<application_id>/documents/<kind:str>/pdf")
@borrower_required
async def download_document(request: Request, application_id: str, kind: str) -> HTTPResponse:
    """Return the signed PDF of a document or of the registration proof."""
    application = await service.application_for_borrower(borrower=request.ctx.borrower, application_id=application_id)
    pdf, filename = await document_pdf(application=application, kind=kind)
    return raw(pdf, content_type="application/pdf",
               headers={"Content-Disposition": f"attachment; filename=\"{filename}\""})


@bp.post("/<application_id>/signatures")
@borrower_required
async def sign(request: Request, application_id: str) -> HTTPResponse:
    """Sign every document with the handwritten signature, after a fresh face verification."""
    body = json_body(request)
    application = await service.application_for_borrower(borrower=request.ctx.borrower, application_id=application_id)
    image = signing.decode_signature_image(body.get("signature_image"))
    await signing.sign_as_mortgagor(application=application, borrower=request.ctx.borrower, signature_image=image)
    await application.refresh_from_db()
    return json(await submission.status_view(application, caller=request.ctx.borrower), status=201)


@bp.post("/<application_id>/submit")
@borrower_required
async def submit(request: Request, application_id: str) -> HTTPResponse:
    """Submit the signed application to the registry pipeline."""
    application = await service.application_for_borrower(borrower=request.ctx.borrower, application_id=application_id)
    application = await submission.submit(application=application, actor=f"borrower:{request.ctx.borrower.id}")
    return json(await submission.status_view(application, caller=request.ctx.borrower), status=202)


@bp.post("/<application_id>/withdraw")
@borrower_required
async def withdraw(request: Request, application_id: str) -> HTTPResponse:
    """Withdraw the application before the registry accepts it."""
    body = json_body(request)
    application = await service.application_for_borrower(borrower=request.ctx.borrower, application_id=application_id)
    application = await submission.withdraw(application=application, actor=f"borrower:{request.ctx.borrower.id}",
                                            reason=str(body.get("reason") or "借款人撤回"))
    return json(await submission.status_view(application, caller=request.ctx.borrower))

