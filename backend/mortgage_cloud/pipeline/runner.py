"""Running the pipeline: one job per step, and a recovery sweep that re-queues whatever a crash interrupted."""

import logging

from mortgage_cloud.applications.models import Application
from mortgage_cloud.applications.states import PIPELINE_STATES, State
from mortgage_cloud.infra import failpoints
from mortgage_cloud.infra.logging import application_id_var
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.pipeline.steps import STEPS

log = logging.getLogger(__name__)


async def advance(*, application_id: str) -> None:
    """Run the step for the application's current state; the step's transition queues the next one."""
    application_id_var.set(application_id)
    application = await Application.get_or_none(id=application_id)
    if application is None:
        log.warning("pipeline job for a missing application")
        return

    step = STEPS.get(State(application.state))
    if step is None:
        return  # another worker already moved it past the pipeline, or a person holds it
    moved = await step(application)
    if not moved:
        log.info("pipeline step found the application already moved", extra={"state": str(application.state)})
        return
    await application.refresh_from_db(fields=["state"])
    failpoints.hit(f"exit_after:{application.state}")


async def recover() -> int:
    """Queue every application a stopped process left inside the pipeline; return how many."""
    pending = await Application.filter(state__in=[str(state) for state in PIPELINE_STATES]).values_list("id", "state")
    for application_id, state in pending:
        await runtime().queue.enqueue("pipeline.advance", key=f"advance:{application_id}:{state}:recover",
                                      application_id=str(application_id))
    if pending:
        log.info("pipeline recovery queued applications", extra={"count": len(pending)})
    return len(pending)
