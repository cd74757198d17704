"""Webhook services for the bank API: an institution's own events, their delivery log, and redelivery."""

import logging
import uuid
from typing import Any

from mortgage_cloud.errors import Conflict, NotFound, field_error
from mortgage_cloud.notify.models import WebhookDelivery, WebhookEvent
from mortgage_cloud.notify.webhooks import queue_delivery

log = logging.getLogger(__name__)


class WebhookEventNotFound(NotFound):
    code = "WEBHOOK_EVENT_NOT_FOUND"
    message = "未找到该 Webhook 事件，或该事件不属于本机构。"


class WebhookUrlMissing(Conflict):
    code = "WEBHOOK_URL_MISSING"
    message = "本机构未登记 Webhook 地址，无法重新推送；请联系平台运营方登记地址后重试。"


async def list_events(*, institution: Any, page: int, page_size: int, status: str | None = None) -> dict[str, Any]:
    """Return one page of the institution's webhook events, newest first."""
    query = WebhookEvent.filter(institution_id=institution.id)
    if status:
        query = query.filter(status=status)
    total = await query.count()
    events = await query.order_by("-created_at", "-id").offset((page - 1) * page_size).limit(page_size)
    return {"items": [event_view(event) for event in events], "page": page, "page_size": page_size, "total": total}


async def event_for_institution(*, institution: Any, event_id: str) -> WebhookEvent:
    """Return the event if it belongs to the institution; another institution's event is reported as not found."""
    try:
        parsed = uuid.UUID(event_id)
    except ValueError:
        raise field_error("event_id", "event_id 须为 UUID，请使用 Webhook 请求头 Mc-Event-Id 中的值。") from None
    event = await WebhookEvent.get_or_none(id=parsed, institution_id=institution.id)
    if event is None:
        raise WebhookEventNotFound(event_id=event_id)
    return event


async def delivery_log(*, event: WebhookEvent) -> dict[str, Any]:
    """Return the event and every delivery attempt, oldest first."""
    deliveries = await WebhookDelivery.filter(event_id=event.id).order_by("attempt")
    return {"event": event_view(event), "items": [delivery_view(delivery) for delivery in deliveries]}


async def redeliver(*, event: WebhookEvent, institution: Any) -> dict[str, Any]:
    """Queue a new series of delivery attempts for the event, with the same retries as the first series."""
    if not institution.webhook_url:
        raise WebhookUrlMissing(event_id=str(event.id))

    last = await WebhookDelivery.filter(event_id=event.id).order_by("-attempt").first()
    attempt = (last.attempt if last is not None else 0) + 1
    await queue_delivery(event_id=event.id, attempt=attempt, series_start=attempt)
    log.info("webhook redelivery queued", extra={"event_id": str(event.id), "institution_id": str(institution.id),
                                                 "attempt": attempt})
    return {"event_id": str(event.id), "attempt": attempt, "status": "queued"}


def event_view(event: WebhookEvent) -> dict[str, Any]:
    """Describe an event for its institution, with the body that was sent."""
    return {
        "event_id": str(event.id),
        "event_type": event.payload.get("event_type"),
        "application_id": str(event.application_id),
        "state": event.state,
        "status": str(event.status),
        "attempts": event.attempts,
        "created_at": event.created_at.isoformat(),
        "delivered_at": event.delivered_at.isoformat() if event.delivered_at else None,
        "payload": event.payload,
    }


def delivery_view(delivery: WebhookDelivery) -> dict[str, Any]:
    """Describe one delivery attempt."""
    return {
        "attempt": delivery.attempt,
        "started_at": delivery.started_at.isoformat(),
        "duration_ms": delivery.duration_ms,
        "response_status": delivery.response_status,
        "error": delivery.error,
        "next_attempt_at": delivery.next_attempt_at.isoformat() if delivery.next_attempt_at else None,
    }
