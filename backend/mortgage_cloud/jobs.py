"""The job catalogue: every background job the queue can run, by name."""

from mortgage_cloud.infra.queue import JobQueue


def register_jobs(queue: JobQueue) -> None:
    """Register each domain's jobs on the queue."""
    from mortgage_cloud.pipeline import jobs as pipeline_jobs

    pipeline_jobs.register(queue)
