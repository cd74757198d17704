"""Job queues: joining waits for running jobs and gives up at its timeout, in process and on Redis."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from mortgage_cloud.infra.queue import InProcessQueue, JobQueue, RedisJobQueue

from backend_settings import BACKEND, REDIS_URL


class HeldJob:
    """A job that runs until the test releases it."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.released = asyncio.Event()

    async def run(self) -> None:
        self.started.set()
        await self.released.wait()


@pytest.fixture(params=["in_process", "redis"])
async def queue(request: pytest.FixtureRequest) -> AsyncIterator[tuple[JobQueue, HeldJob]]:
    if request.param == "redis" and BACKEND != "postgres":
        pytest.skip("the Redis queue runs with MC_TEST_BACKEND=postgres")
    if request.param == "redis":
        started: JobQueue = RedisJobQueue(REDIS_URL, name=f"mc-test-queue-{uuid.uuid4().hex[:8]}", concurrency=2)
    else:
        started = InProcessQueue(concurrency=2)
    job = HeldJob()
    started.register("held", job.run)
    await started.start()
    yield started, job
    job.released.set()
    await started.stop()


async def test_queue_join_idle_returns_true(queue):
    jobs, _ = queue

    assert await jobs.join(timeout=5) is True


async def test_queue_join_running_job_times_out(queue):
    jobs, job = queue
    await jobs.enqueue("held", key="held-1")
    await asyncio.wait_for(job.started.wait(), 10)

    assert await jobs.join(timeout=0.2) is False


async def test_queue_join_after_release_returns_true(queue):
    jobs, job = queue
    await jobs.enqueue("held", key="held-1")
    await asyncio.wait_for(job.started.wait(), 10)

    job.released.set()

    assert await jobs.join(timeout=10) is True
