"""Bank API routes for the mortgage flow: property query, applications, documents, seal, submission, status."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw

from mortgage_cloud.applications import documents, service, signing, submission
from mortgage_cloud.applications.loan import parse_loan_terms
from mortgage_cloud.applications.models import Application
from mortgage_cloud.applications.states import State
from mortgage_cloud.applications.previews import document_pdf
from mortgage_cloud.banks.auth import bank_required
from mortgage_cloud.banks.idempotency import idempotent
from mortgage_cloud.banks.models import OfficerRole
from mortgage_cloud.banks.officer_auth import request_actor
from mortgage_cloud.consent.service import query_properties
from mortgage_cloud.errors import field_error
from mortgage_cloud.http import json_body

bp = Blueprint("bank_applications", url_prefix="/bank/v1")

PAGE_SIZE_MAX = 100
PAGE_MAX = 100_000


@bp.post("/property-queries")
@bank_required(role=OfficerRole.LOAN_OFFICER)
@idempotent
async def property_query(request: Request) -> HTTPResponse:
    """Return the consenting borrower's properties with status and the reasons a unit cannot be mortgaged."""
    body = json_body(request)
    items = await query_properties(institution=request.ctx.institution, consent_ref=str(body.get("consent_id", "")),
                                   request_id=getattr(request.ctx, "request_id", None))
    return json({"items": items})


@bp.post("/applications")
@bank_required(role=OfficerRole.LOAN_OFFICER)
@idempotent
async def create_application(request: Request) -> HTTPResponse:
    """Create a mortgage registration application from the bank's loan data."""
    body = json_body(request)
    application = await service.create_application(
        institution=request.ctx.institution, consent_ref=str(body.get("consent_id", "")),
        unit_no=str(body.get("unit_no", "")), terms=parse_loan_terms(body), actor=request_actor(request),
    )
    return json(await submission.status_view(application, for_institution=True), status=201)


@bp.get("/applications")
@bank_required(role=OfficerRole.READ_ONLY)
async def list_applications(request: Request) -> HTTPResponse:
    """List the institution's applications, newest first, filtered by state and paged."""
    page, size = _paging(request)
    query = Application.filter(institution_id=request.ctx.institution.id)
    if state := request.args.get("state"):
        if state not in {item.value for item in State}:
            raise field_error("state", "state 取值无效，可选：" + "、".join(item.value for item in State) + "。")
        query = query.filter(state=state)
    total = await query.count()
    items = await query.order_by("-created_at").offset((page - 1) * size).limit(size)
    return json({"items": [await submission.status_view(item, for_institution=True) for item in items],
                 "page": page, "page_size": size, "total": total})


def _paging(request: Request) -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        size = int(request.args.get("page_size", 20))
    except ValueError:
        raise field_error("page", "page 和 page_size 须为正整数。") from None
    if not 1 <= page <= PAGE_MAX or not 1 <= size <= PAGE_SIZE_MAX:
        raise field_error("page_size", f"page 须为 1 至 {PAGE_MAX}，page_size 须为 1 至 {PAGE_SIZE_MAX}。")
    return page, size


@bp.get("/applications/<application_id>")
@bank_required(role=OfficerRole.READ_ONLY)
async def get_application(request: Request, application_id: str) -> HTTPResponse:
    """Return the application's state, timeline, signers and rule results."""
    application = await _own(request, application_id)
    return json(await submission.status_view(application, for_institution=True))


@bp.post("/applications/<application_id>/documents")
@bank_required(role=OfficerRole.LOAN_OFFICER)
@idempotent
async def generate_documents(request: Request, application_id: str) -> HTTPResponse:
    """Generate the mortgage contract, the application form and the power of attorney."""
    application = await _own(request, application_id)
    generated = await documents.generate_documents(application=application, actor=request_actor(request))
    await application.refresh_from_db()
    return json({"application": await submission.status_view(application, for_institution=True),
                 "documents": [{"kind": d.kind, "sha256": d.sha256, "page_count": d.page_count} for d in generated]},
                status=201)


@bp.post("/applications/<application_id>/seal")
@bank_required(role=OfficerRole.SUPERVISOR)
@idempotent
async def seal(request: Request, application_id: str) -> HTTPResponse:
    """Seal every document with the institution's organisation seal."""
    application = await _own(request, application_id)
    await signing.seal_as_mortgagee(application=application, institution=request.ctx.institution,
                                    actor=request_actor(request))
    await application.refresh_from_db()
    return json(await submission.status_view(application, for_institution=True), status=201)


@bp.post("/applications/<application_id>/submit")
@bank_required(role=OfficerRole.LOAN_OFFICER)
@idempotent
async def submit(request: Request, application_id: str) -> HTTPResponse:
    """Submit the signed application to the registry pipeline."""
    application = await _own(request, application_id)
    application = await submission.submit(application=application, actor=request_actor(request))
    return json(await submission.status_view(application, for_institution=True), status=202)


@bp.post("/applications/<application_id>/withdraw")
@bank_required(role=OfficerRole.LOAN_OFFICER)
@idempotent
async def withdraw(request: Request, application_id: str) -> HTTPResponse:
    """Withdraw the application before the registry accepts it."""
    body = json_body(request)
    application = await _own(request, application_id)
    application = await submission.withdraw(application=application, actor=request_actor(request),
                                            reason=str(body.get("reason") or "银行撤回"))
    return json(await submission.status_view(application, for_institution=True))


@bp.get("/applications/<application_id>/documents/<kind:str>/pdf")
@bank_required(role=OfficerRole.READ_ONLY)
async def download_document(request: Request, application_id: str, kind: str) -> HTTPResponse:
    """Download a signed document or the registration proof."""
    application = await _own(request, application_id)
    pdf, filename = await document_pdf(application=application, kind=kind)
    return raw(pdf, content_type="application/pdf",
               headers={"Content-Disposition": f"attachment; filename=\"{filename}\""})


async def _own(request: Request, application_id: str) -> Application:
    return await service.application_for_institution(institution=request.ctx.institution,
                                                     application_id=application_id)


@bp.post("/applications/<application_id>/disburse")
@bank_required(role=OfficerRole.SUPERVISOR)
@idempotent
async def disburse(request: Request, application_id: str) -> HTTPResponse:
    """Mark the loan disbursed (放款) once the registration proof is issued."""
    from mortgage_cloud.applications.lifecycle import disburse_loan

    application = await _own(request, application_id)
    application = await disburse_loan(application=application, actor=request_actor(request))
    return json(await submission.status_view(application, for_institution=True))


@bp.post("/cancellations")
@bank_required(role=OfficerRole.SUPERVISOR)
@idempotent
async def request_cancellation(request: Request) -> HTTPResponse:
    """Apply to cancel (注销) a mortgage of which the institution is the mortgagee; the pipeline starts at once."""
    from mortgage_cloud.applications import cancellation

    body = json_body(request)
    application = await cancellation.request_cancellation(
        institution=request.ctx.institution, proof_no=str(body.get("proof_no") or ""),
        reason=cancellation.parse_reason(body.get("reason")), actor=request_actor(request),
    )
    return json(await submission.status_view(application, for_institution=True), status=202)
