"""Background jobs: saq on Redis when Redis is configured, asyncio tasks in this process otherwise.

Jobs must be idempotent: a job can run twice (a retry after a crash, a recovery sweep), so each
one checks the state it is meant to change before it changes it.
"""

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from saq import Queue as SaqQueue
from saq import Worker as SaqWorker

log = logging.getLogger(__name__)

JobFunction = Callable[..., Awaitable[Any]]


class JobQueue(Protocol):
    def register(self, name: str, function: JobFunction) -> None: ...
    async def enqueue(self, name: str, *, key: str, delay: float = 0, **kwargs: Any) -> None: ...
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def join(self, timeout: float | None = None) -> bool: ...


class InProcessQueue:
    """Run jobs as asyncio tasks with bounded concurrency; a key already pending is not queued twice."""

    def __init__(self, *, concurrency: int = 20, retries: int = 3) -> None:
        self.functions: dict[str, JobFunction] = {}
        self.concurrency = concurrency
        self.retries = retries
        self._queue: asyncio.Queue[tuple[str, str, dict[str, Any]]] = asyncio.Queue()
        self._pending: set[str] = set()
        self._workers: list[asyncio.Task[None]] = []
        self._delayed: set[asyncio.Task[None]] = set()

    def register(self, name: str, function: JobFunction) -> None:
        self.functions[name] = function

    async def enqueue(self, name: str, *, key: str, delay: float = 0, **kwargs: Any) -> None:
        """Queue a job, or with `delay` (seconds) queue it that much later; a key already pending is skipped."""
        if key in self._pending:
            return
        self._pending.add(key)
        if delay > 0:
            # NOTE: a delayed job lives only in this process, so a restart before it is due loses it.
            task = asyncio.create_task(self._put_later(delay, (name, key, kwargs)))
            self._delayed.add(task)
            task.add_done_callback(self._delayed.discard)
            return
        await self._queue.put((name, key, kwargs))

    async def _put_later(self, delay: float, job: tuple[str, str, dict[str, Any]]) -> None:
        await asyncio.sleep(delay)
        await self._queue.put(job)

    async def start(self) -> None:
        self._workers = [asyncio.create_task(self._work()) for _ in range(self.concurrency)]

    async def stop(self) -> None:
        for task in [*self._workers, *self._delayed]:
            task.cancel()
        await asyncio.gather(*self._workers, *self._delayed, return_exceptions=True)
        self._workers = []

    async def join(self, timeout: float | None = None) -> bool:
        """Wait until every queued job, and every job those jobs queued, has finished.

        Return False when they have not finished within `timeout` seconds.
        """
        try:
            await asyncio.wait_for(self._queue.join(), timeout)
        except TimeoutError:
            return False
        return True

    async def _work(self) -> None:
        while True:
            name, key, kwargs = await self._queue.get()
            try:
                await self._run(name, key, kwargs)
            finally:
                self._pending.discard(key)
                self._queue.task_done()

    async def _run(self, name: str, key: str, kwargs: dict[str, Any]) -> None:
        for attempt in range(1, self.retries + 1):
            try:
                await self.functions[name](**kwargs)
                return
            except Exception:
                log.exception("job failed", extra={"job": name, "job_key": key, "attempt": attempt})
                await asyncio.sleep(0.05 * 2**attempt)
        log.error("job gave up after retries", extra={"job": name, "job_key": key, "attempts": self.retries})


class RedisJobQueue:
    """Jobs in Redis through saq, so any worker process can pick them up and a crash loses none."""

    def __init__(self, url: str, *, name: str = "mortgage-cloud", concurrency: int = 20, retries: int = 3) -> None:
        self.queue = SaqQueue.from_url(url, name=name)
        self.functions: dict[str, JobFunction] = {}
        self.concurrency = concurrency
        self.retries = retries
        self._worker: SaqWorker | None = None
        self._task: asyncio.Task[None] | None = None

    def register(self, name: str, function: JobFunction) -> None:
        self.functions[name] = function

    async def enqueue(self, name: str, *, key: str, delay: float = 0, **kwargs: Any) -> None:
        """Queue a job, or with `delay` (seconds) schedule it for then; saq polls scheduled jobs about once a second."""
        scheduled = math.ceil(time.time() + delay) if delay > 0 else 0
        await self.queue.enqueue(name, key=key, retries=self.retries, timeout=120, scheduled=scheduled, **kwargs)

    async def start(self) -> None:
        await self.queue.connect()
        functions = [(name, _adapt(function)) for name, function in self.functions.items()]
        self._worker = SaqWorker(self.queue, functions=functions, concurrency=self.concurrency)
        self._task = asyncio.create_task(self._worker.start())

    async def stop(self) -> None:
        if self._worker is not None:
            await self._worker.stop()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.queue.disconnect()

    async def join(self, timeout: float | None = None) -> bool:
        """Wait until the queue has no queued or active job; return False when `timeout` seconds pass first.

        The wait ends at a deadline instead of by cancellation. With redis 8.1 and saq 0.26, a cancellation
        delivered during a Redis call was lost, and `asyncio.wait_for` around the loop never returned.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            info = await self.queue.info()
            if not info.get("queued") and not info.get("active"):
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.05)


def _adapt(function: JobFunction) -> JobFunction:
    async def run(ctx: dict[str, Any], **kwargs: Any) -> Any:  # noqa: ARG001 - saq passes its context first
        try:
            return await function(**kwargs)
        except Exception:
            # Logged here in the project's format; saq then records the failure and retries.
            log.exception("job failed", extra={"job": function.__qualname__})
            raise

    run.__qualname__ = function.__qualname__
    return run


def create_queue(redis_url: str | None, *, name: str = "mortgage-cloud", concurrency: int = 20) -> JobQueue:
    """Return a saq queue on Redis when a URL is given, else the in-process queue."""
    if redis_url:
        return RedisJobQueue(redis_url, name=name, concurrency=concurrency)
    return InProcessQueue(concurrency=concurrency)
