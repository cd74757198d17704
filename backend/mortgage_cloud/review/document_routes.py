"""The documents of an application in manual review, for registry staff: the list and each PDF."""

import logging

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw

from mortgage_cloud.applications.models import Application, ApplicationDocument
from mortgage_cloud.applications.previews import DOCUMENT_FILE_NAMES, document_pdf
from mortgage_cloud.errors import NotFound
from mortgage_cloud.review.models import StaffRole
from mortgage_cloud.review.staff_auth import staff_required
from mortgage_cloud.review.staff_queue import get_review, has_been_in_review

log = logging.getLogger(__name__)

bp = Blueprint("registry_staff_documents", url_prefix="/api/v1/staff")


@bp.get("/reviews/<application_id>/documents")
@staff_required
async def list_documents(request: Request, application_id: str) -> HTTPResponse:
    """List the application's documents with their Chinese names, page and signature counts."""
    application = await _readable(request, application_id)
    documents = await ApplicationDocument.filter(application_id=application.id).order_by("kind")
    items = [{"kind": document.kind, "name": DOCUMENT_FILE_NAMES.get(document.kind, document.kind),
              "page_count": document.page_count, "signature_count": document.signature_count,
              "sha256": document.sha256} for document in documents if document.kind in DOCUMENT_FILE_NAMES]
    return json({"items": items})


@bp.get("/reviews/<application_id>/documents/<kind:str>/pdf")
@staff_required
async def download_document(request: Request, application_id: str, kind: str) -> HTTPResponse:
    """Download one of the application's signed documents, or its registration proof, as PDF."""
    application = await _readable(request, application_id)
    pdf, filename = await document_pdf(application=application, kind=kind)
    log.info("staff downloaded document", extra={"staff_id": str(request.ctx.staff.id),
                                                 "application_id": str(application.id), "kind": kind})
    return raw(pdf, content_type="application/pdf",
               headers={"Content-Disposition": f"attachment; filename=\"{filename}\"", "Cache-Control": "no-store"})


async def _readable(request: Request, application_id: str) -> Application:
    """Return the application if the staff member may read it: admins any, reviewers those that were in review."""
    application = await get_review(application_id=application_id)
    if request.ctx.staff.role != StaffRole.ADMIN and not await has_been_in_review(application):
        # The same response as for an unknown id, so a reviewer learns nothing outside the queue.
        raise NotFound("未找到该申请。", code="APPLICATION_NOT_FOUND")
    return application
