"""Webhook jobs, registered on the notification queue at start-up; WeChat messages go through the status outbox."""

from mortgage_cloud.infra.queue import JobQueue


def register(queue: JobQueue) -> None:
    """Register the webhook jobs."""
    from mortgage_cloud.notify import webhooks

    webhooks.register(queue)
