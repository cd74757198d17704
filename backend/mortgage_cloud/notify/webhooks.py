"""Bank webhooks: one signed event per application state change, sent to the mortgagee's `webhook_url`.

The status outbox (outbox.py) queues `webhook.create_event` for each state change; that job records the
event and queues its first delivery (`webhook.deliver`, in webhooks_delivery.py). Both run on the job
queue, so a slow or failing receiver never holds up the pipeline.
"""

import logging
from typing import Any
from uuid import UUID, uuid4

from tortoise.exceptions import IntegrityError

from mortgage_cloud.infra.queue import JobQueue
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.notify.models import WebhookDelivery, WebhookEvent

log = logging.getLogger(__name__)

EVENT_TYPE = "application.state_changed"
CREATE_JOB = "webhook.create_event"
DELIVER_JOB = "webhook.deliver"


def register(queue: JobQueue) -> None:
    """Register the webhook jobs."""
    from mortgage_cloud.notify.webhooks_delivery import deliver

    queue.register(CREATE_JOB, create_event)
    queue.register(DELIVER_JOB, deliver)


async def create_event(*, application_id: str, state: str) -> None:
    """Record the event for this application state once, and queue its first delivery."""
    from mortgage_cloud.applications.models import Application

    application = await Application.get_or_none(id=application_id).prefetch_related("institution")
    if application is None:
        log.warning("webhook event for a missing application", extra={"application_id": application_id})
        return
    if not application.institution.webhook_url:
        return

    event = await _create_once(application, state)
    if event is None:
        return
    await queue_delivery(event_id=event.id, attempt=1, series_start=1)


async def _create_once(application: Any, state: str) -> WebhookEvent | None:
    """Return the new event, or the existing one if it was never tried; None when its deliveries already started."""
    existing = await WebhookEvent.get_or_none(application_id=application.id, state=state)
    if existing is None:
        try:
            event_id = uuid4()
            return await WebhookEvent.create(
                id=event_id, institution_id=application.institution_id, application_id=application.id, state=state,
                payload=await build_payload(application, state=state, event_id=event_id),
            )
        except IntegrityError:
            log.info("webhook event already created", extra={"application_id": str(application.id), "state": state})
            return None

    # A crash between creating the event and queueing its delivery leaves an event with no attempt.
    if await WebhookDelivery.filter(event_id=existing.id).exists():
        return None
    return existing


async def build_payload(application: Any, *, state: str, event_id: UUID) -> dict[str, Any]:
    """Build the request body of a state-change event, timed by the application's event row for that state."""
    from mortgage_cloud.applications.models import ApplicationEvent
    from mortgage_cloud.applications.states import LABELS, State

    change = await ApplicationEvent.filter(application_id=application.id, to_state=state).order_by("-id").first()
    occurred_at = change.occurred_at if change is not None else application.updated_at
    return {
        "event_id": str(event_id),
        "event_type": EVENT_TYPE,
        "occurred_at": occurred_at.isoformat(),
        "data": {
            "application_id": str(application.id),
            "application_no": application.application_no,
            "state": state,
            "state_label": LABELS[State(state)],
            "proof_no": application.proof_no,
            "findings": application.findings or [],
        },
    }


async def queue_delivery(*, event_id: UUID | str, attempt: int, series_start: int, delay: float = 0) -> None:
    """Queue delivery attempt number `attempt`; `series_start` is the first attempt of this run of retries."""
    await runtime().notify_queue.enqueue(DELIVER_JOB, key=f"webhook:{event_id}:{attempt}", delay=delay,
                                         event_id=str(event_id), attempt=attempt, series_start=series_start)
