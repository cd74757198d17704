"""The pipeline's jobs, registered on the pipeline queue at start-up."""

from mortgage_cloud.infra.queue import JobQueue


def register(queue: JobQueue) -> None:
    """Register the job that runs an application's pipeline steps."""
    from mortgage_cloud.pipeline.runner import advance

    queue.register("pipeline.advance", advance)
