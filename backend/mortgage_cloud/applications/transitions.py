"""Guarded state changes: one conditional UPDATE decides, an event row records and marks the outbox, hooks run after commit."""

import logging
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from mortgage_cloud.applications.models import Application, ApplicationEvent, UnitClaim
from mortgage_cloud.applications.states import FINAL_STATES, State
from mortgage_cloud.infra.runtime import runtime, wake_status_outbox

log = logging.getLogger(__name__)

SYSTEM_PIPELINE = "system:pipeline"
SYSTEM_REGISTRY = "system:registry"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


async def transition(
    application_id: UUID | str,
    *,
    from_states: Iterable[State],
    to_state: State,
    actor: str,
    reasons: list[dict[str, Any]] | None = None,
    connection: Any = None,
    apply_to: Application | None = None,
    **changes: Any,
) -> bool:
    """Move the application to `to_state` if it is in one of `from_states`; return whether this call moved it.

    Two workers racing on one step both run this; the row count of the guarded UPDATE picks exactly one.
    When this call moves it, the new state and `changes` are also set on `apply_to`, the caller's copy
    of the row, so that the caller's next step need not read the row again.
    """
    allowed = {str(state) for state in from_states}
    if connection is None:
        async with in_transaction() as own_connection:
            moved_from = await _apply(application_id, allowed, to_state, actor, reasons or [], own_connection, changes)
    else:
        moved_from = await _apply(application_id, allowed, to_state, actor, reasons or [], connection, changes)

    if moved_from is None:
        return False
    if apply_to is not None:
        apply_to.update_from_dict({"state": to_state, **changes})
    log.info("application state changed", extra={
        "application_id": str(application_id), "from_state": moved_from, "to_state": str(to_state), "actor": actor,
        "rule_codes": [reason.get("code") for reason in reasons or []],
    })
    if connection is None:
        await after_transition(application_id, to_state)
    return True


async def _apply(
    application_id: UUID | str,
    allowed: set[str],
    to_state: State,
    actor: str,
    reasons: list[dict[str, Any]],
    connection: Any,
    changes: dict[str, Any],
) -> str | None:
    if len(allowed) == 1:
        current = next(iter(allowed))  # the guarded UPDATE below checks it, so no query is needed
    else:
        states = await Application.filter(id=application_id).using_db(connection).values_list("state", flat=True)
        current = states[0] if states else None
        if current is None or str(current) not in allowed:
            return None

    updated = await Application.filter(id=application_id, state=current).using_db(connection).update(
        state=to_state, updated_at=utcnow(), **changes
    )
    if updated != 1:
        return None

    await ApplicationEvent.create(
        application_id=application_id, from_state=str(current), to_state=str(to_state), actor=actor,
        reasons=reasons, notify_pending=True, using_db=connection,
    )
    if to_state in FINAL_STATES:
        await UnitClaim.filter(application_id=application_id).using_db(connection).delete()
    return str(current)


async def after_transition(application_id: UUID | str, to_state: State) -> None:
    """Start the work that follows a committed state change: its messages and webhook, and the next step.

    The event row is already marked for the status outbox, so waking it here only makes the messages go sooner.
    """
    wake_status_outbox()

    from mortgage_cloud.applications.states import PIPELINE_STATES
    from mortgage_cloud.pipeline.context import running_steps

    if to_state in PIPELINE_STATES and not running_steps.get():
        await runtime().queue.enqueue("pipeline.advance", key=f"advance:{application_id}:{to_state}",
                                      application_id=str(application_id))
