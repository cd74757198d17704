"""A process killed in the middle of the pipeline: the next process resumes it without duplicates."""

import asyncio
import os
import sys
import tempfile
from datetime import datetime, timezone

from mortgage_cloud.applications.models import Application, ApplicationEvent
from mortgage_cloud.infra.failpoints import EXIT_CODE
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.registry.models import MortgageRight

WORKER = """
import asyncio, sys, time
from mortgage_cloud.applications.models import Application
from mortgage_cloud.infra.runtime import join_jobs, start_runtime, stop_runtime
from mortgage_cloud.infra.logging import configure_logging
from mortgage_cloud.settings import Settings

async def main(application_id):
    configure_logging("INFO")
    await start_runtime(Settings())
    print("worker phase: started", time.time(), file=sys.stderr, flush=True)
    for _ in range(1200):
        application = await Application.get(id=application_id)
        if application.state in ("archived", "rejected", "manual_review"):
            break
        await asyncio.sleep(0.05)
    print("worker phase: waited", time.time(), application.state, file=sys.stderr, flush=True)
    # The killed process may have left a job marked active, which saq only frees after its timeout.
    await join_jobs(timeout=10)
    print("worker phase: joined", time.time(), file=sys.stderr, flush=True)
    await stop_runtime()
    print("worker phase: stopped", time.time(), file=sys.stderr, flush=True)
    print(application.state)

asyncio.run(main(sys.argv[1]))
"""


async def run_worker(application_id: str, *, failpoint: str | None) -> tuple[int, str]:
    """Run the pipeline in a separate process on the same database, files and (with Redis) its own queue."""
    settings = runtime().settings
    env = {
        **os.environ,
        "MC_DATABASE_URL": settings.database_url,
        "MC_DATA_DIR": str(settings.data_dir),
        "MC_REDIS_URL": settings.redis_url or "",
        "MC_REDIS_PREFIX": settings.redis_prefix + "worker:",
        "MC_WECHAT_API_BASE": settings.wechat_api_base,
        "MC_FACE_API_BASE": settings.face_api_base,
        "MC_PUBLIC_BASE_URL": settings.public_base_url,
        "MC_FAILPOINT": failpoint or "",
    }
    with tempfile.TemporaryFile() as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", WORKER, application_id, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=stderr,
        )
        try:
            stdout, _ = await asyncio.wait_for(process.communicate(), timeout=120)
        except TimeoutError:
            process.kill()
            await process.wait()
            stderr.seek(0)
            print_worker_log(stderr.read().decode(errors="replace"))
            raise
    return process.returncode, stdout.decode().strip()


def print_worker_log(log: str) -> None:
    """Print the worker's log, which is the only account of where it hung, without the queue's chatter."""
    noisy = ('"logger": "saq"', '"logger": "mortgage_cloud.notify.webhooks_delivery"')
    lines = [line for line in log.splitlines() if not any(mark in line for mark in noisy)]
    print("\n".join(lines[-200:]), file=sys.stderr)


async def mark_submitted(application_id: str) -> None:
    """Submit without queueing the pipeline here, so that only the worker process runs it."""
    await Application.filter(id=application_id, state="signed").update(
        state="submitted", submitted_at=datetime.now(timezone.utc)
    )
    await ApplicationEvent.create(application_id=application_id, from_state="signed", to_state="submitted",
                                  actor="test:recovery")


async def test_recovery_killed_after_register_resumes_to_archived(prepare):
    prepared = await prepare("clean_single_owner")
    application_id = prepared.drafts[0][1]["id"]
    await mark_submitted(application_id)

    killed, _ = await run_worker(application_id, failpoint="exit_after:registered")
    assert killed == EXIT_CODE
    assert (await Application.get(id=application_id)).state == "registered"

    finished, final_state = await run_worker(application_id, failpoint=None)
    assert finished == 0
    assert final_state == "archived"


async def test_recovery_registers_one_mortgage_and_each_step_once(prepare):
    prepared = await prepare("clean_single_owner")
    application_id = prepared.drafts[0][1]["id"]
    await mark_submitted(application_id)

    await run_worker(application_id, failpoint="exit_after:accepted")
    await run_worker(application_id, failpoint="exit_after:proof_issued")
    await run_worker(application_id, failpoint=None)

    assert await MortgageRight.filter(application_id=application_id).count() == 1
    states = await ApplicationEvent.filter(application_id=application_id).values_list("to_state", flat=True)
    assert len(states) == len(set(states))
    assert states[-1] == "archived"
