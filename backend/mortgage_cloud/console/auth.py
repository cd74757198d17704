"""The `console_required` decorator: a live console session and the officer role the route needs.

Roles apply exactly as on the signed bank API (banks.officer_auth): read_only < loan_officer <
supervisor, and a method that changes data needs at least loan_officer.
"""

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sanic import Request

from mortgage_cloud.banks.models import OfficerRole
from mortgage_cloud.banks.officer_auth import authorise_officer
from mortgage_cloud.console import errors
from mortgage_cloud.console.sessions import session_officer
from mortgage_cloud.identity.auth import bearer_token

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[Any]]


def console_required(handler: Handler | None = None, *, role: OfficerRole | None = None,
                     own_account: bool = False) -> Any:
    """Let the handler run only for an officer with a live session whose role reaches `role`.

    `own_account=True` marks a route that acts only on the caller's own session or password
    (logout, password change), which every role may use. Sets `request.ctx.officer`, `request.ctx.institution` and `request.ctx.session_token`.
    """

    def decorate(inner: Handler) -> Handler:
        @functools.wraps(inner)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> Any:
            token = bearer_token(request)
            if token is None:
                raise errors.SessionRequired()
            officer = await session_officer(token)
            if officer is None:
                raise errors.SessionInvalid()
            if not own_account:
                authorise_officer(officer, declared=role, method=request.method)

            request.ctx.officer = officer
            request.ctx.institution = officer.institution
            request.ctx.session_token = token
            return await inner(request, *args, **kwargs)

        wrapper.officer_role = role  # type: ignore[attr-defined]
        return wrapper

    return decorate(handler) if handler is not None else decorate


def actor_of(request: Request) -> str:
    """Return the actor recorded on application events for the officer behind a console request."""
    return f"officer:{request.ctx.officer.id}"
