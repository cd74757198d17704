"""The `webhook.deliver` job: one signed POST per attempt, one `WebhookDelivery` row per attempt, backoff between.

2xx delivers the event. 4xx other than 408 and 429 fails it for good, because the receiver rejected
the request itself. Anything else (other statuses, timeouts, refused connections) is retried after
`webhook_retry_base_seconds * 2 ** (n - 1)` seconds, capped at `webhook_retry_max_seconds`, with ±20 %
jitter, until `webhook_max_attempts` attempts of the series have failed.
"""

import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import httpx
from tortoise.exceptions import IntegrityError

from mortgage_cloud.banks.responses import platform_api_key
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.notify.models import WebhookDelivery, WebhookEvent, WebhookStatus
from mortgage_cloud.notify.webhooks import queue_delivery

log = logging.getLogger(__name__)

EVENT_ID_HEADER = "Mc-Event-Id"
USER_AGENT = "MortgageCloud-Webhook/1"
ERROR_MAX_LENGTH = 500
RETRYABLE_CLIENT_ERRORS = {408, 429}


@dataclass(frozen=True)
class AttemptResult:
    """The outcome of one POST to the receiver: its HTTP status, or the error that stopped it."""

    response_status: int | None
    error: str | None
    duration_ms: int
    # Set when no retry can succeed until someone changes the configuration, such as an invalid URL.
    permanent: bool = False

    @property
    def delivered(self) -> bool:
        return self.response_status is not None and 200 <= self.response_status < 300

    @property
    def retryable(self) -> bool:
        if self.delivered or self.permanent:
            return False
        status = self.response_status
        return status is None or not 400 <= status < 500 or status in RETRYABLE_CLIENT_ERRORS


async def deliver(*, event_id: str, attempt: int, series_start: int) -> None:
    """Make delivery attempt number `attempt` of the event, record it, and schedule the next one if it may retry."""
    event = await WebhookEvent.get_or_none(id=event_id).prefetch_related("institution")
    if event is None:
        log.warning("webhook delivery for a missing event", extra={"event_id": event_id})
        return

    started_at = datetime.now(timezone.utc)
    try:
        delivery = await WebhookDelivery.create(event_id=event.id, attempt=attempt, started_at=started_at)
    except IntegrityError:
        log.info("webhook attempt already made", extra={"event_id": event_id, "attempt": attempt})
        return

    try:
        result = await _post(event)
    except Exception as error:
        # Recorded as a retryable failure, so that the attempt row does not stay without a result.
        log.exception("webhook attempt failed unexpectedly", extra={"event_id": event_id, "attempt": attempt})
        result = AttemptResult(response_status=None, error=f"internal error: {type(error).__name__}", duration_ms=0)
    await _record(event, delivery, result, series_start=series_start)


async def _post(event: WebhookEvent) -> AttemptResult:
    url = event.institution.webhook_url or ""
    if urlsplit(url).scheme not in ("http", "https"):
        return AttemptResult(response_status=None, error=f"webhook_url is not an http(s) URL: {url[:100]!r}",
                             duration_ms=0, permanent=True)

    body = json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = await signed_headers(event_id=str(event.id), body=body)
    timeout = runtime().settings.webhook_timeout_seconds
    started = time.monotonic()
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(timeout), follow_redirects=False) as http:
            response = await http.post(url, content=body, headers=headers)
    except httpx.InvalidURL as error:
        return AttemptResult(response_status=None, error=f"InvalidURL: {error}", duration_ms=0, permanent=True)
    except httpx.HTTPError as error:
        return AttemptResult(response_status=None, error=_describe(error), duration_ms=_elapsed_ms(started))
    return AttemptResult(response_status=response.status_code, error=None, duration_ms=_elapsed_ms(started))


async def signed_headers(*, event_id: str, body: bytes) -> dict[str, str]:
    """Return a webhook's request headers: the platform API key's `Mc-*` signature over the body, and the event id."""
    key = await platform_api_key()
    headers = key.sign_response(body, timestamp=int(time.time()))
    headers.update({EVENT_ID_HEADER: event_id, "Content-Type": "application/json; charset=utf-8",
                    "User-Agent": USER_AGENT})
    return headers


async def _record(event: WebhookEvent, delivery: WebhookDelivery, result: AttemptResult, *, series_start: int) -> None:
    settings = runtime().settings
    failed_in_series = delivery.attempt - series_start + 1
    last_of_series = failed_in_series >= settings.webhook_max_attempts
    delay = retry_delay(failed_in_series) if result.retryable and not last_of_series else None

    delivery.duration_ms = result.duration_ms
    delivery.response_status = result.response_status
    delivery.error = result.error[:ERROR_MAX_LENGTH] if result.error else None
    delivery.next_attempt_at = datetime.now(timezone.utc) + timedelta(seconds=delay) if delay is not None else None
    await delivery.save()
    await _update_event(event, result, delivery.attempt, retrying=delay is not None)

    context = {"event_id": str(event.id), "institution_id": str(event.institution_id), "attempt": delivery.attempt,
               "response_status": result.response_status, "duration_ms": result.duration_ms}
    if result.delivered:
        log.info("webhook delivered", extra=context)
        return
    if delay is None:
        log.warning("webhook delivery failed for good", extra={**context, "error": delivery.error})
        return
    log.info("webhook delivery failed, retrying", extra={**context, "error": delivery.error, "delay_seconds": delay})
    await queue_delivery(event_id=event.id, attempt=delivery.attempt + 1, series_start=series_start, delay=delay)


async def _update_event(event: WebhookEvent, result: AttemptResult, attempt: int, *, retrying: bool) -> None:
    changes: dict[str, object] = {"attempts": max(event.attempts, attempt)}
    if result.delivered:
        changes.update(status=WebhookStatus.DELIVERED, delivered_at=datetime.now(timezone.utc))
    elif not retrying and event.status != WebhookStatus.DELIVERED:
        # A failed redelivery leaves an event that was delivered before as delivered.
        changes["status"] = WebhookStatus.FAILED
    await WebhookEvent.filter(id=event.id).update(**changes)


def retry_delay(failed_attempts: int) -> float:
    """Seconds to wait after the n-th failed attempt of a series: base * 2**(n-1), capped, with ±20 % jitter."""
    settings = runtime().settings
    delay = min(settings.webhook_retry_max_seconds, settings.webhook_retry_base_seconds * 2 ** (failed_attempts - 1))
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter spreads retries, it guards no secret


def _describe(error: httpx.HTTPError) -> str:
    detail = str(error)
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
