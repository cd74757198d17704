"""The shared components of one running process: settings, cache, job queue and storage."""

import asyncio
from dataclasses import dataclass, field
from typing import Any

from mortgage_cloud.infra.cache import Cache, create_cache
from mortgage_cloud.infra.db import close_db, init_db
from mortgage_cloud.infra.queue import JobQueue, create_queue
from mortgage_cloud.infra.storage import LocalStorage
from mortgage_cloud.settings import Settings


@dataclass
class Runtime:
    """Components that services reach through `runtime()`; one per process."""

    settings: Settings
    cache: Cache
    queue: JobQueue  # pipeline steps
    notify_queue: JobQueue  # WeChat messages and webhooks, which must never hold up a pipeline step
    storage: LocalStorage
    extras: dict[str, Any] = field(default_factory=dict)


_current: Runtime | None = None


def runtime() -> Runtime:
    """Return the running process's components; raise when `start_runtime` has not run."""
    if _current is None:
        raise RuntimeError("runtime not started: call start_runtime(settings) first")
    return _current


async def start_runtime(settings: Settings, *, create_schema: bool = False, warm_up: bool = False) -> Runtime:
    """Open the database, cache, queue and storage, register the jobs and start the queue's workers.

    With `warm_up`, a long-running process (server, worker, demo) also loads what proofs need in the background.
    """
    global _current

    await init_db(settings, create_schema=create_schema)
    _current = Runtime(
        settings=settings,
        cache=create_cache(settings.redis_url, prefix=settings.redis_prefix),
        queue=create_queue(settings.redis_url, name=settings.redis_prefix + "jobs",
                           concurrency=settings.pipeline_concurrency),
        notify_queue=create_queue(settings.redis_url, name=settings.redis_prefix + "notify",
                                  concurrency=settings.notify_concurrency),
        storage=LocalStorage(settings.data_dir / "files"),
    )

    from mortgage_cloud.jobs import register_jobs

    register_jobs(pipeline=_current.queue, notify=_current.notify_queue)
    await _current.queue.start()
    await _current.notify_queue.start()

    from mortgage_cloud.notify.webhooks_recovery import resume_webhook_deliveries
    from mortgage_cloud.pipeline.runner import recover, sweep_forever

    await recover()
    await resume_webhook_deliveries()
    _current.extras["pipeline_sweeper"] = asyncio.create_task(sweep_forever())

    from mortgage_cloud.notify.outbox import StatusOutbox

    outbox = StatusOutbox()
    _current.extras["status_outbox"] = outbox
    _current.extras["status_dispatcher"] = asyncio.create_task(outbox.run_forever())

    from mortgage_cloud.maintenance import maintain_forever

    _current.extras["maintenance"] = asyncio.create_task(maintain_forever())

    if warm_up:
        from mortgage_cloud.pipeline.warm_up import warm_up_in_background

        _current.extras["warm_up"] = asyncio.create_task(warm_up_in_background(settings.registry_name))
    return _current


def wake_status_outbox() -> None:
    """Tell this process's status outbox that a state change has just committed."""
    outbox = runtime().extras.get("status_outbox")
    if outbox is not None:
        outbox.wake()


async def join_jobs(timeout: float | None = None) -> bool:
    """Wait until the pipeline's jobs, then the messages and webhooks of their state changes, have all finished.

    Return False when they have not finished within `timeout` seconds.
    """
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + timeout

    def remaining() -> float | None:
        return None if deadline is None else max(0.0, deadline - loop.time())

    if not await runtime().queue.join(remaining()):
        return False
    outbox = runtime().extras.get("status_outbox")
    if outbox is not None and not await outbox.drain(remaining()):
        return False
    return await runtime().notify_queue.join(remaining())


async def stop_runtime() -> None:
    """Stop the queue's workers and close every connection."""
    global _current
    if _current is None:
        return
    _current.extras.pop("status_outbox", None)
    for name in ("pipeline_sweeper", "maintenance", "status_dispatcher", "warm_up"):
        task = _current.extras.pop(name, None)
        if task is not None:
            task.cancel()
    await _current.queue.stop()
    await _current.notify_queue.stop()
    await _current.cache.close()
    for closer in _current.extras.values():
        close = getattr(closer, "aclose", None)
        if close is not None:
            await close()
    await close_db()
    _current = None
