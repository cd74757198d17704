"""Registry staff routes: login, the manual-review queue, and approving or rejecting an application in it."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.applications import lifecycle
from mortgage_cloud.errors import NotFound, field_error
from mortgage_cloud.http import json_body
from mortgage_cloud.review import staff as staff_service
from mortgage_cloud.review.models import StaffRole
from mortgage_cloud.review.staff_auth import staff_required
from mortgage_cloud.review.staff_queue import get_review, has_been_in_review, list_reviews, review_view

bp = Blueprint("registry_staff", url_prefix="/api/v1/staff")

PAGE_MAX = 100_000
PAGE_SIZE_MAX = 100
TEXT_MAX_LENGTH = 500


@bp.post("/login")
async def log_in(request: Request) -> HTTPResponse:
    """Log a staff member in with username and password and return a bearer token valid for 8 hours."""
    body = json_body(request)
    token = await staff_service.log_in(username=body.get("username"), password=body.get("password"))
    return json({"token": token, "expires_in": staff_service.SESSION_TTL_SECONDS})


@bp.post("/logout")
@staff_required
async def log_out(request: Request) -> HTTPResponse:
    """End the current staff session."""
    await staff_service.end_session(request.ctx.session_token)
    return json({"ok": True})


@bp.get("/reviews")
@staff_required
async def reviews(request: Request) -> HTTPResponse:
    """List the applications in manual review, the longest-waiting first, paged."""
    page, page_size = paging(request)
    return json(await list_reviews(page=page, page_size=page_size))


@bp.get("/reviews/<application_id>")
@staff_required
async def review(request: Request, application_id: str) -> HTTPResponse:
    """Return one application with its findings, parties and timeline.

    A reviewer reads only applications that are or were in manual review, and an admin reads any.
    """
    application = await get_review(application_id=application_id)
    if request.ctx.staff.role != StaffRole.ADMIN and not await has_been_in_review(application):
        # The same response as for an unknown id, so a reviewer learns nothing outside the queue.
        raise NotFound("未找到该申请。", code="APPLICATION_NOT_FOUND")
    return json(await review_view(application))


@bp.post("/reviews/<application_id>/approve")
@staff_required
async def approve(request: Request, application_id: str) -> HTTPResponse:
    """Approve the application, so that the pipeline resumes after the step that sent it to manual review."""
    note = _text(json_body(request).get("note"), field="note", required=False)
    application = await get_review(application_id=application_id)
    application = await lifecycle.approve_review(application=application, staff_id=str(request.ctx.staff.id),
                                                 note=note)
    return json(await review_view(await get_review(application_id=str(application.id))))


@bp.post("/reviews/<application_id>/reject")
@staff_required
async def reject(request: Request, application_id: str) -> HTTPResponse:
    """Reject the application with the reason, which the bank and the borrower see in the timeline."""
    reason = _text(json_body(request).get("reason"), field="reason", required=True)
    application = await get_review(application_id=application_id)
    application = await lifecycle.reject_review(application=application, staff_id=str(request.ctx.staff.id),
                                                reason=reason)
    return json(await review_view(await get_review(application_id=str(application.id))))


def _text(value: object, *, field: str, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise field_error(field, f"请填写 {field}（不予登记的理由），申请人将在办理进度中看到它。")
    if len(text) > TEXT_MAX_LENGTH:
        raise field_error(field, f"{field} 不能超过 {TEXT_MAX_LENGTH} 个字。")
    return text


def paging(request: Request) -> tuple[int, int]:
    """Return the request's `page` and `page_size` query parameters, checked."""
    try:
        page = int(request.args.get("page", 1))
        page_size = int(request.args.get("page_size", 20))
    except ValueError:
        raise field_error("page", "page 和 page_size 须为正整数。") from None
    if not 1 <= page <= PAGE_MAX or not 1 <= page_size <= PAGE_SIZE_MAX:
        raise field_error("page_size", f"page 须为 1 至 {PAGE_MAX}，page_size 须为 1 至 {PAGE_SIZE_MAX}。")
    return page, page_size
