"""Pipeline jobs, registered on the queue at start-up."""

from mortgage_cloud.infra.queue import JobQueue


def register(queue: JobQueue) -> None:
    """Register the pipeline's jobs."""
