"""The `staff_required` decorator for Sanic handlers used by registry staff, with an optional role.

Admins may use every staff route. Reviewers may use only the routes without a role, which are the
manual-review queue's.
"""

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sanic import Request

from mortgage_cloud.errors import AuthenticationRequired, Forbidden
from mortgage_cloud.identity.auth import bearer_token
from mortgage_cloud.review.models import StaffRole
from mortgage_cloud.review.staff import session_staff

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[Any]]


class StaffRoleForbidden(Forbidden):
    code = "STAFF_ROLE_FORBIDDEN"
    message = "您的角色无权进行此操作：该功能仅限登记中心管理员使用。"


def staff_required(handler: Handler | None = None, *, role: StaffRole | None = None) -> Any:
    """Let the handler run only with a live staff session, and put the staff member in `request.ctx.staff`.

    Use it bare for any staff member, or as `@staff_required(role=StaffRole.ADMIN)` for admins only.
    """

    def decorate(inner: Handler) -> Handler:
        @functools.wraps(inner)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> Any:
            token = bearer_token(request)
            if token is None:
                raise AuthenticationRequired("请先登录：请求缺少 Authorization: Bearer 登录凭证。")
            staff = await session_staff(token)
            if staff is None:
                raise AuthenticationRequired("登录已过期或不是登记中心工作人员的登录凭证，请重新登录。",
                                             code="STAFF_SESSION_INVALID")
            if role is not None and staff.role != role and staff.role != StaffRole.ADMIN:
                log.info("staff request rejected for role", extra={"staff_id": str(staff.id), "staff_role": str(staff.role),
                                                                  "required_role": str(role), "path": request.path})
                raise StaffRoleForbidden(required_role=str(role))
            request.ctx.staff = staff
            request.ctx.session_token = token
            return await inner(request, *args, **kwargs)

        return wrapper

    return decorate(handler) if handler is not None else decorate
