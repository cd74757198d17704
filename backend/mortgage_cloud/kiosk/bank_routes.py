"""Bank API routes for kiosk sessions: open one for a device and a borrower, bind it, read its evidence, close it."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.banks.auth import bank_required
from mortgage_cloud.banks.idempotency import idempotent
from mortgage_cloud.banks.models import OfficerRole
from mortgage_cloud.http import json_body
from mortgage_cloud.kiosk import sessions, views
from mortgage_cloud.kiosk.auth import request_client

bp = Blueprint("bank_kiosk", url_prefix="/bank/v1")


@bp.post("/kiosk-sessions")
@bank_required(role=OfficerRole.LOAN_OFFICER)
@idempotent
async def open_session(request: Request) -> HTTPResponse:
    """Open a kiosk session for a device and a borrower; the response carries the one-time kiosk token.

    Only the token's hash is stored, so a retry with the same Idempotency-Key gets the session
    without the token. A bank that lost the token closes the session and opens another.
    """
    session, token = await sessions.open_session(
        institution=request.ctx.institution, officer=request.ctx.officer,
        request=sessions.parse_open_request(json_body(request)), client=request_client(request),
    )
    view = await views.bank_view(session)
    request.ctx.replay_body = {**view, "token": None}
    return json({**view, "token": token}, status=201)


@bp.get("/kiosk-sessions/<session_id>")
@bank_required(role=OfficerRole.READ_ONLY)
async def get_session(request: Request, session_id: str) -> HTTPResponse:
    """Return the session, its status and its evidence list."""
    session = await sessions.session_of_institution(institution=request.ctx.institution, session_id=session_id)
    return json(await views.bank_view(session))


@bp.post("/kiosk-sessions/<session_id>/application")
@bank_required(role=OfficerRole.LOAN_OFFICER)
@idempotent
async def bind_application(request: Request, session_id: str) -> HTTPResponse:
    """Bind the session to an application of this institution on which the session's borrower must sign."""
    session = await sessions.session_of_institution(institution=request.ctx.institution, session_id=session_id)
    session = await sessions.bind_application(
        session=session, institution=request.ctx.institution,
        application_id=str(json_body(request).get("application_id", "")), officer=request.ctx.officer,
        client=request_client(request),
    )
    return json(await views.bank_view(session))


@bp.post("/kiosk-sessions/<session_id>/close")
@bank_required(role=OfficerRole.LOAN_OFFICER)
@idempotent
async def close_session(request: Request, session_id: str) -> HTTPResponse:
    """Close the session, for example when the borrower leaves; its kiosk token stops working."""
    session = await sessions.session_of_institution(institution=request.ctx.institution, session_id=session_id)
    session = await sessions.close_session(session=session, closed_by="institution", officer=request.ctx.officer,
                                           client=request_client(request))
    return json(await views.bank_view(session))
