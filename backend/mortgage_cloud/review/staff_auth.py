"""The `staff_required` decorator for Sanic handlers used by registry staff."""

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from sanic import Request

from mortgage_cloud.errors import AuthenticationRequired
from mortgage_cloud.identity.auth import bearer_token
from mortgage_cloud.review.staff import session_staff

Handler = Callable[..., Awaitable[Any]]


def staff_required(handler: Handler) -> Handler:
    """Let the handler run only with a live staff session, and put the staff member in `request.ctx.staff`."""

    @functools.wraps(handler)
    async def wrapper(request: Request, *args: Any, **kwargs: Any) -> Any:
        token = bearer_token(request)
        if token is None:
            raise AuthenticationRequired("请先登录：请求缺少 Authorization: Bearer 登录凭证。")
        staff = await session_staff(token)
        if staff is None:
            raise AuthenticationRequired("登录已过期或不是登记中心工作人员的登录凭证，请重新登录。",
                                         code="STAFF_SESSION_INVALID")
        request.ctx.staff = staff
        request.ctx.session_token = token
        return await handler(request, *args, **kwargs)

    return wrapper
