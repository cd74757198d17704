"""Notification and webhook jobs, registered on the notification queue at start-up."""

import logging

from mortgage_cloud.infra.queue import JobQueue

log = logging.getLogger(__name__)

STATE_CHANGE_JOB = "notify.state_change"


def register(queue: JobQueue) -> None:
    """Register the borrower's WeChat message job and the webhook jobs."""
    from mortgage_cloud.notify import webhooks

    queue.register(STATE_CHANGE_JOB, notify_state_change)
    webhooks.register(queue)


async def notify_state_change(*, application_id: str, state: str) -> None:
    """Send the state change to the borrower and every co-owner who signs, by WeChat."""
    from mortgage_cloud.applications.models import Application, Signer
    from mortgage_cloud.applications.states import LABELS, State
    from mortgage_cloud.notify.service import notify_state_change as send

    application = await Application.get_or_none(id=application_id)
    if application is None:
        log.warning("notification for a missing application", extra={"application_id": application_id})
        return

    borrower_ids = {application.borrower_id} - {None}  # a cancellation has no borrower
    borrower_ids |= set(await Signer.filter(application_id=application.id, borrower_id__isnull=False)
                        .values_list("borrower_id", flat=True))
    for borrower_id in borrower_ids:
        await send(application_id=application.id, application_no=application.application_no,
                   borrower_id=borrower_id, state=state, state_label=LABELS[State(state)],
                   occurred_at=application.updated_at, page=f"pages/application/detail?id={application.id}")
