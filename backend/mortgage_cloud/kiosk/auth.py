"""Authentication of kiosk requests: the `kiosk_required` decorator for Sanic handlers."""

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from sanic import Request
from sanic.response import HTTPResponse

from mortgage_cloud.http import client_ip
from mortgage_cloud.kiosk.evidence import Client
from mortgage_cloud.kiosk.sessions import authenticate

Handler = Callable[..., Awaitable[HTTPResponse]]

DEVICE_HEADER = "Mc-Device-Id"
TOKEN_SCHEME = "Bearer "


def kiosk_required(handler: Handler) -> Handler:
    """Let the handler run only with an open session's kiosk token sent from the session's device.

    Sets `request.ctx.kiosk_session` (with its institution and borrower loaded) and `request.ctx.client`.
    """

    @wraps(handler)
    async def authenticated(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        header = request.headers.get("Authorization", "")
        token = header[len(TOKEN_SCHEME):].strip() if header.startswith(TOKEN_SCHEME) else None
        request.ctx.kiosk_session = await authenticate(token=token, device_id=request.headers.get(DEVICE_HEADER))
        request.ctx.client = request_client(request)
        return await handler(request, *args, **kwargs)

    return authenticated


def request_client(request: Request) -> Client:
    """Return the caller's address and user agent, as evidence records them."""
    return Client(ip=client_ip(request), user_agent=request.headers.get("User-Agent"))
