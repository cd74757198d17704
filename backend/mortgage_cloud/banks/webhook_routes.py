"""Bank API routes for webhooks: the institution's events, each event's delivery log, and redelivery."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.banks.auth import bank_required
from mortgage_cloud.banks.idempotency import idempotent
from mortgage_cloud.banks.models import OfficerRole
from mortgage_cloud.errors import field_error
from mortgage_cloud.notify import webhooks_service as service
from mortgage_cloud.notify.models import WebhookStatus

bp = Blueprint("bank_webhooks", url_prefix="/bank/v1")

PAGE_SIZE_MAX = 100


@bp.get("/webhooks/events")
@bank_required(role=OfficerRole.READ_ONLY)
async def list_events(request: Request) -> HTTPResponse:
    """List the institution's webhook events, newest first, optionally by delivery status, paged."""
    page, page_size = _paging(request)
    status = request.args.get("status")
    if status is not None and status not in {str(item) for item in WebhookStatus}:
        raise field_error("status", "status 须为 pending、delivered 或 failed。")
    return json(await service.list_events(institution=request.ctx.institution, page=page, page_size=page_size,
                                          status=status))


@bp.get("/webhooks/events/<event_id>/deliveries")
@bank_required(role=OfficerRole.READ_ONLY)
async def list_deliveries(request: Request, event_id: str) -> HTTPResponse:
    """Return the event and each delivery attempt: time, duration, the receiver's status or the error."""
    event = await service.event_for_institution(institution=request.ctx.institution, event_id=event_id)
    return json(await service.delivery_log(event=event))


@bp.post("/webhooks/events/<event_id>/redeliver")
@bank_required(role=OfficerRole.LOAN_OFFICER)
@idempotent
async def redeliver(request: Request, event_id: str) -> HTTPResponse:
    """Send the event again, with the same body and event id and a fresh signature, retrying as the first time."""
    event = await service.event_for_institution(institution=request.ctx.institution, event_id=event_id)
    return json(await service.redeliver(event=event, institution=request.ctx.institution), status=202)


def _paging(request: Request) -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        page_size = int(request.args.get("page_size", 20))
    except ValueError:
        raise field_error("page", "page 和 page_size 须为正整数。") from None
    if page < 1:
        raise field_error("page", "page 须从 1 开始。")
    if not 1 <= page_size <= PAGE_SIZE_MAX:
        raise field_error("page_size", f"page_size 须为 1 至 {PAGE_SIZE_MAX}。")
    return page, page_size
