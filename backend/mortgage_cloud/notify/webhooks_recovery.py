"""Resumption of webhook deliveries that a restart interrupted, because the in-process queue loses its delayed retries."""

import logging
from datetime import datetime, timedelta, timezone

from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.notify.models import WebhookDelivery, WebhookEvent, WebhookStatus
from mortgage_cloud.notify.webhooks import queue_delivery

log = logging.getLogger(__name__)


async def resume_webhook_deliveries(*, idle_seconds: float = 60) -> int:
    """Queue the next attempt of each pending event whose retry is due or whose last attempt stopped; return the count.

    An attempt still running in another process is left alone while it is younger than the request
    timeout plus `idle_seconds`. A resumed event gets a new series of attempts.
    """
    now = datetime.now(timezone.utc)
    stalled_before = now - timedelta(seconds=idle_seconds + runtime().settings.webhook_timeout_seconds)
    created_before = now - timedelta(seconds=idle_seconds)
    resumed = 0
    for event in await WebhookEvent.filter(status=WebhookStatus.PENDING, created_at__lte=created_before):
        last = await WebhookDelivery.filter(event_id=event.id).order_by("-attempt").first()
        delay = _delay(last, now=now, stalled_before=stalled_before)
        if delay is None:
            continue
        attempt = (last.attempt if last is not None else 0) + 1
        await queue_delivery(event_id=event.id, attempt=attempt, series_start=attempt, delay=delay)
        resumed += 1

    if resumed:
        log.info("webhook deliveries resumed", extra={"events": resumed})
    return resumed


def _delay(last: WebhookDelivery | None, *, now: datetime, stalled_before: datetime) -> float | None:
    """Return seconds until the next attempt is due, or None when the event needs no new attempt now."""
    if last is None:
        return 0
    if last.duration_ms is None:
        # The attempt started but recorded no result: a crash, unless it is still running elsewhere.
        return 0 if last.started_at <= stalled_before else None
    if last.next_attempt_at is None:
        return None
    return max(0.0, (last.next_attempt_at - now).total_seconds())
