"""Console API for applications (consents, property query, create, documents, seal, submit, withdraw, disburse) and statistics.

Each route calls the same service functions as the signed bank API (applications.bank_routes) and
needs the same officer role. Events record the officer as `officer:<id>`.
"""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw

from mortgage_cloud.applications import documents, service, signing, submission
from mortgage_cloud.applications.lifecycle import disburse_loan
from mortgage_cloud.applications.loan import parse_loan_terms
from mortgage_cloud.applications.models import Application
from mortgage_cloud.applications.previews import document_pdf
from mortgage_cloud.banks.models import OfficerRole
from mortgage_cloud.console import views
from mortgage_cloud.console.auth import actor_of, console_required
from mortgage_cloud.consent.service import query_properties
from mortgage_cloud.http import json_body
from mortgage_cloud.statistics.period import parse_period
from mortgage_cloud.statistics.service import application_statistics

bp = Blueprint("console_applications", url_prefix="/console/v1")


@bp.get("/consents")
@console_required(role=OfficerRole.LOAN_OFFICER)
async def list_consents(request: Request) -> HTTPResponse:
    """List the lookup consents borrowers granted this institution that are still valid, with masked borrower data."""
    return json({"items": await views.valid_consents(institution_id=request.ctx.institution.id)})


@bp.post("/property-queries")
@console_required(role=OfficerRole.LOAN_OFFICER)
async def property_query(request: Request) -> HTTPResponse:
    """Return the consenting borrower's properties with status and the reasons a unit cannot be mortgaged."""
    body = json_body(request)
    items = await query_properties(institution=request.ctx.institution, consent_ref=str(body.get("consent_id", "")),
                                   request_id=getattr(request.ctx, "request_id", None))
    return json({"items": items})


@bp.get("/applications")
@console_required(role=OfficerRole.READ_ONLY)
async def list_applications(request: Request) -> HTTPResponse:
    """List the institution's applications, searched by number, unit or borrower name, filtered and paged."""
    filters = views.parse_list_filters(request.args)
    return json(await views.list_applications(institution_id=request.ctx.institution.id, filters=filters))


@bp.post("/applications")
@console_required(role=OfficerRole.LOAN_OFFICER)
async def create_application(request: Request) -> HTTPResponse:
    """Create a mortgage registration application from the officer's loan data."""
    body = json_body(request)
    application = await service.create_application(
        institution=request.ctx.institution, consent_ref=str(body.get("consent_id", "")),
        unit_no=str(body.get("unit_no", "")), terms=parse_loan_terms(body), actor=actor_of(request),
    )
    return json(await views.application_detail(application), status=201)


@bp.get("/applications/<application_id>")
@console_required(role=OfficerRole.READ_ONLY)
async def get_application(request: Request, application_id: str) -> HTTPResponse:
    """Return the application with its timeline, rule findings, signers and documents."""
    return json(await views.application_detail(await _own(request, application_id)))


@bp.post("/applications/<application_id>/documents")
@console_required(role=OfficerRole.LOAN_OFFICER)
async def generate_documents(request: Request, application_id: str) -> HTTPResponse:
    """Generate the mortgage contract, the application form and the power of attorney."""
    application = await _own(request, application_id)
    await documents.generate_documents(application=application, actor=actor_of(request))
    await application.refresh_from_db()
    return json(await views.application_detail(application), status=201)


@bp.post("/applications/<application_id>/seal")
@console_required(role=OfficerRole.SUPERVISOR)
async def seal(request: Request, application_id: str) -> HTTPResponse:
    """Seal every document with the institution's organisation seal."""
    application = await _own(request, application_id)
    await signing.seal_as_mortgagee(application=application, institution=request.ctx.institution,
                                    actor=actor_of(request))
    await application.refresh_from_db()
    return json(await views.application_detail(application), status=201)


@bp.post("/applications/<application_id>/submit")
@console_required(role=OfficerRole.LOAN_OFFICER)
async def submit(request: Request, application_id: str) -> HTTPResponse:
    """Submit the signed application to the registry pipeline."""
    application = await _own(request, application_id)
    application = await submission.submit(application=application, actor=actor_of(request))
    return json(await views.application_detail(application), status=202)


@bp.post("/applications/<application_id>/withdraw")
@console_required(role=OfficerRole.LOAN_OFFICER)
async def withdraw(request: Request, application_id: str) -> HTTPResponse:
    """Withdraw the application before the registry accepts it."""
    body = json_body(request)
    application = await _own(request, application_id)
    application = await submission.withdraw(application=application, actor=actor_of(request),
                                            reason=str(body.get("reason") or "银行撤回"))
    return json(await views.application_detail(application))


@bp.post("/applications/<application_id>/disburse")
@console_required(role=OfficerRole.SUPERVISOR)
async def disburse(request: Request, application_id: str) -> HTTPResponse:
    """Mark the loan disbursed (放款) once the registration proof is issued."""
    application = await _own(request, application_id)
    application = await disburse_loan(application=application, actor=actor_of(request))
    return json(await views.application_detail(application))


@bp.get("/applications/<application_id>/documents/<kind:str>/pdf")
@console_required(role=OfficerRole.READ_ONLY)
async def download_document(request: Request, application_id: str, kind: str) -> HTTPResponse:
    """Download a signed document or the registration proof."""
    application = await _own(request, application_id)
    pdf, filename = await document_pdf(application=application, kind=kind)
    return raw(pdf, content_type="application/pdf",
               headers={"Content-Disposition": f"attachment; filename=\"{filename}\"", "Cache-Control": "no-store"})


async def _own(request: Request, application_id: str) -> Application:
    return await service.application_for_institution(institution=request.ctx.institution,
                                                     application_id=application_id)


@bp.get("/statistics")
@console_required(role=OfficerRole.READ_ONLY)
async def statistics(request: Request) -> HTTPResponse:
    """Return the statistics of the institution's applications submitted from `from` to `to` (YYYY-MM-DD, China time).

    The registry's statistics service computes them, narrowed to the caller's institution.
    """
    period = parse_period(request.args.get("from"), request.args.get("to"))
    result = await application_statistics(period, institution_id=request.ctx.institution.id)
    return json(result, headers={"Cache-Control": "no-store"})
