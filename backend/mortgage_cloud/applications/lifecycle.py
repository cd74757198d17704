"""People's decisions on an application outside the pipeline: staff approval or rejection, and loan disbursement."""

import logging

from mortgage_cloud.applications.models import KIND_MORTGAGE, Application, ApplicationEvent
from mortgage_cloud.applications.states import State
from mortgage_cloud.applications.transitions import transition
from mortgage_cloud.errors import Conflict
from mortgage_cloud.review.catalogue import Outcome

log = logging.getLogger(__name__)

# The state the interrupted step would have reached, by the state the application left for manual review.
RESUME_STATES = {
    State.SUBMITTED: State.PLATFORM_CHECKED,
    State.PLATFORM_CHECKED: State.ACCEPTED,
    State.ACCEPTED: State.REVIEWED,
}

DISBURSABLE_STATES = (State.PROOF_ISSUED, State.ARCHIVED)


async def resume_state(application: Application) -> State:
    """Return the state an approval moves the application to, read from the event that entered manual review."""
    entered = await ApplicationEvent.filter(
        application_id=application.id, to_state=str(State.MANUAL_REVIEW)
    ).order_by("-id").first()
    left = State(entered.from_state) if entered and entered.from_state else None
    if left not in RESUME_STATES:
        log.warning("manual review entered from an unexpected state",
                    extra={"application_id": str(application.id), "from_state": str(left)})
        raise Conflict("无法确定该申请转人工前所处的环节，请联系系统管理员。", code="REVIEW_RESUME_UNKNOWN")
    return RESUME_STATES[left]


async def approve_review(*, application: Application, staff_id: str, note: str) -> Application:
    """Approve an application in manual review, so that the pipeline resumes with the step after the interrupted one."""
    to_state = await resume_state(application)
    review_codes = [item["code"] for item in application.findings if item.get("outcome") == str(Outcome.REVIEW)]
    approved = sorted(set(application.review_approved_codes or []) | set(review_codes))
    reasons = [{"code": "MANUAL_REVIEW_APPROVED", "message": note, "approved_codes": review_codes}]

    moved = await transition(application.id, from_states=[State.MANUAL_REVIEW], to_state=to_state,
                             actor=f"staff:{staff_id}", reasons=reasons, review_approved_codes=approved)
    if not moved:
        raise _not_in_review(application)
    log.info("manual review approved", extra={"application_id": str(application.id), "staff_id": staff_id,
                                              "to_state": str(to_state)})
    await application.refresh_from_db()
    return application


async def reject_review(*, application: Application, staff_id: str, reason: str) -> Application:
    """Reject an application in manual review with the reviewer's reason."""
    reasons = [{"code": "MANUAL_REVIEW_REJECTED", "message": reason}]
    moved = await transition(application.id, from_states=[State.MANUAL_REVIEW], to_state=State.REJECTED,
                             actor=f"staff:{staff_id}", reasons=reasons)
    if not moved:
        raise _not_in_review(application)
    log.info("manual review rejected", extra={"application_id": str(application.id), "staff_id": staff_id})
    await application.refresh_from_db()
    return application


def _not_in_review(application: Application) -> Conflict:
    return Conflict("该申请已不在人工审核中，可能已由其他工作人员处理，请刷新后查看。", code="NOT_IN_MANUAL_REVIEW",
                    application_id=str(application.id))


async def disburse_loan(*, application: Application, actor: str) -> Application:
    """Record that the bank disbursed the loan, once the registration proof exists."""
    moved = False
    if application.kind == KIND_MORTGAGE:
        moved = await transition(application.id, from_states=DISBURSABLE_STATES, to_state=State.LOAN_DISBURSED,
                                 actor=actor)
    if not moved:
        await application.refresh_from_db(fields=["state"])
        raise Conflict("只有已出具登记证明的抵押登记申请才能标记放款。", code="NOT_DISBURSABLE",
                       state=str(application.state))
    log.info("loan disbursed", extra={"application_id": str(application.id)})
    await application.refresh_from_db()
    return application
