"""Running the pipeline: one job per step, and a recovery sweep that re-queues whatever a crash interrupted."""

import asyncio
import logging
from datetime import datetime, timedelta, timezone

from mortgage_cloud.applications.models import Application
from mortgage_cloud.applications.states import PIPELINE_STATES, State
from mortgage_cloud.infra import failpoints
from mortgage_cloud.infra.logging import application_id_var
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.pipeline.context import running_steps
from mortgage_cloud.pipeline.steps import STEPS

log = logging.getLogger(__name__)


async def advance(*, application_id: str) -> None:
    """Run the application's pipeline steps one after another until a step does not move it on.

    Each step commits its own transition, so a crash between steps loses nothing: the recovery
    sweep queues the application again. Running the steps in one job, rather than one job each,
    keeps them from waiting behind the notification jobs that every state change queues.
    """
    application_id_var.set(application_id)
    token = running_steps.set(True)
    try:
        application = await _load(application_id)
        for _ in range(len(State) + 1):
            if application is None:
                return
            state_before = application.state
            if not await _run_step(application):
                return
            if application.state == state_before:
                application = await _load(application_id)  # a step that did not update its copy
            failpoints.hit(f"exit_after:{application.state}")
    finally:
        running_steps.reset(token)


async def _load(application_id: str) -> Application | None:
    # The institution comes along because the platform check and the registration both read it.
    application = await Application.get_or_none(id=application_id).select_related("institution")
    if application is None:
        log.warning("pipeline job for a missing application")
    return application


async def _run_step(application: Application) -> bool:
    """Run the step for the application's state; return whether it moved the application on.

    Steps set the new state and fields on the object they are given, so the next step starts from it
    without reading the row again. If another worker moved the application first, the step's guarded
    transition fails, so an outdated copy cannot move the application.
    """
    step = STEPS.get(State(application.state))
    if step is None:
        return False  # another worker already moved it past the pipeline, or it waits for a person
    moved = await step(application)
    if not moved:
        log.info("pipeline step found the application already moved", extra={"state": str(application.state)})
    return moved


async def recover(*, idle_seconds: float = 0) -> int:
    """Queue every application left inside the pipeline and idle for `idle_seconds`; return how many."""
    idle_since = datetime.now(timezone.utc) - timedelta(seconds=idle_seconds)
    pending = await Application.filter(
        state__in=[str(state) for state in PIPELINE_STATES], updated_at__lte=idle_since
    ).values_list("id", "state")
    stamp = int(idle_since.timestamp())
    for application_id, state in pending:
        await runtime().queue.enqueue("pipeline.advance", key=f"advance:{application_id}:{state}:recover:{stamp}",
                                      application_id=str(application_id))
    if pending:
        log.info("pipeline recovery queued applications", extra={"count": len(pending)})
    return len(pending)


async def sweep_forever(*, interval_seconds: float = 30.0) -> None:
    """Re-queue applications whose job was lost (a worker died, retries ran out) at a steady interval."""
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            await recover(idle_seconds=interval_seconds)
        except Exception:
            log.exception("pipeline sweep failed")
