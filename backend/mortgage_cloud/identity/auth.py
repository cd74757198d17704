"""The `borrower_required` decorator for Sanic handlers that act for a logged-in borrower."""

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from sanic import Request

from mortgage_cloud.errors import AuthenticationRequired
from mortgage_cloud.identity.models import Borrower
from mortgage_cloud.identity.sessions import session_borrower_id

Handler = Callable[..., Awaitable[Any]]


def bearer_token(request: Request) -> str | None:
    """Return the token of an `Authorization: Bearer <token>` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def borrower_required(handler: Handler) -> Handler:
    """Let the handler run only with a live session; it finds the borrower in `request.ctx.borrower`."""

    @functools.wraps(handler)
    async def wrapper(request: Request, *args: Any, **kwargs: Any) -> Any:
        token = bearer_token(request)
        if token is None:
            raise AuthenticationRequired("请先登录：请求缺少 Authorization: Bearer 登录凭证。")
        borrower_id = await session_borrower_id(token)
        borrower = await Borrower.get_or_none(id=borrower_id) if borrower_id else None
        if borrower is None:
            # The cache drops a session when its TTL runs out, so an expired token looks like one never
            # issued, and the message covers both. The code keeps its name for existing clients.
            raise AuthenticationRequired("登录已失效或凭证无效，请重新登录。", code="SESSION_EXPIRED")
        request.ctx.borrower = borrower
        request.ctx.session_token = token
        return await handler(request, *args, **kwargs)

    return wrapper
