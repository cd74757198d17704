"""The job catalogue: every background job the queues can run, by name."""

from mortgage_cloud.infra.queue import JobQueue


def register_jobs(*, pipeline: JobQueue, notify: JobQueue) -> None:
    """Register the pipeline's jobs on its queue and the notification and webhook jobs on theirs."""
    from mortgage_cloud.notify import jobs as notify_jobs
    from mortgage_cloud.pipeline import jobs as pipeline_jobs

    pipeline_jobs.register(pipeline)
    notify_jobs.register(notify)
