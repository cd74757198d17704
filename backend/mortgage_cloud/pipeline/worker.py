"""`mortgage-cloud worker`: a process that only runs queued jobs, so the pipeline can use more cores.

Extra workers need the Redis queue (`MC_REDIS_URL`): with the in-process queue, jobs never leave
the process that queued them.
"""

import argparse
import asyncio
import logging
import signal

import uvloop

from mortgage_cloud.infra.runtime import start_runtime, stop_runtime
from mortgage_cloud.settings import get_settings, may_start

log = logging.getLogger(__name__)


def add_worker_command(commands: argparse._SubParsersAction) -> None:
    """Add `mortgage-cloud worker` to the command line."""
    worker = commands.add_parser("worker", help="run pipeline, notification and webhook jobs from the Redis queue")
    worker.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:  # noqa: ARG001 - the command takes no options
    settings = get_settings()
    if not may_start(settings):
        return 2
    if not settings.uses_redis:
        log.error("worker needs MC_REDIS_URL: without Redis, jobs stay in the process that queued them")
        return 2
    # The same event loop as `serve`, where Sanic runs on uvloop when it is installed.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_work())
    return 0


async def _work() -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)

    await start_runtime(get_settings(), warm_up=True)
    log.info("worker started")
    await stopping.wait()
    await stop_runtime()
    log.info("worker stopped")
