"""Console login routes: password login, first login with a one-time code, logout, password change, own profile."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.banks.models import Officer
from mortgage_cloud.banks.officers import describe_officer
from mortgage_cloud.console import sessions
from mortgage_cloud.console.auth import console_required
from mortgage_cloud.console.sessions import SESSION_TTL_SECONDS
from mortgage_cloud.http import json_body

bp = Blueprint("console_auth", url_prefix="/console/v1")


@bp.post("/login")
async def log_in(request: Request) -> HTTPResponse:
    """Log an officer in with institution code, officer id or phone, and password; return a session token."""
    body = json_body(request)
    token, officer = await sessions.log_in(sessions.parse_credentials(body), body.get("password"))
    return json(await _session_body(token, officer))


@bp.post("/first-login")
async def first_login(request: Request) -> HTTPResponse:
    """Redeem a one-time setup code, set the officer's password and return a session token."""
    body = json_body(request)
    token, officer = await sessions.log_in_with_setup_code(sessions.parse_credentials(body),
                                                           body.get("one_time_code"), body.get("new_password"))
    return json(await _session_body(token, officer))


@bp.post("/logout")
@console_required(own_account=True)
async def log_out(request: Request) -> HTTPResponse:
    """End the calling session."""
    await sessions.end_session(request.ctx.session_token)
    return json({"logged_out": True})


@bp.get("/me")
@console_required
async def me(request: Request) -> HTTPResponse:
    """Return the logged-in officer and their institution."""
    return json(_profile(request.ctx.officer))


@bp.post("/password")
@console_required(own_account=True)
async def change_password(request: Request) -> HTTPResponse:
    """Change the officer's own password; every session ends, and a new token is returned for this one."""
    body = json_body(request)
    officer = request.ctx.officer
    token = await sessions.change_password(officer=officer, current_password=body.get("current_password"),
                                           new_password=body.get("new_password"))
    await sessions.end_session(request.ctx.session_token)
    return json(await _session_body(token, officer))


async def _session_body(token: str, officer: Officer) -> dict:
    await officer.fetch_related("institution")
    return {"token": token, "expires_in": SESSION_TTL_SECONDS, **_profile(officer)}


def _profile(officer: Officer) -> dict:
    institution = officer.institution
    return {
        "officer": describe_officer(officer),
        "institution": {"id": str(institution.id), "name": institution.name, "uscc": institution.uscc,
                        "kind": str(institution.kind)},
    }
