"""Mortgage cancellation (抵押权注销) requested by the mortgagee once the loan is repaid."""

import logging
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from mortgage_cloud.applications.models import KIND_CANCELLATION, Application, ApplicationEvent
from mortgage_cloud.applications.service import new_application_no
from mortgage_cloud.applications.states import FINAL_STATES, State
from mortgage_cloud.applications.transitions import after_transition, transition, utcnow
from mortgage_cloud.errors import AppError, Conflict, NotFound, field_error
from mortgage_cloud.identifiers import normalize_proof_no

log = logging.getLogger(__name__)

REASON_MAX_LENGTH = 200


def parse_reason(value: Any) -> str:
    """Return the cancellation reason stripped, or raise when it is missing or too long."""
    reason = str(value or "").strip()
    if not reason:
        raise field_error("reason", "请填写注销原因，例如“贷款已结清”。")
    if len(reason) > REASON_MAX_LENGTH:
        raise field_error("reason", f"注销原因不能超过 {REASON_MAX_LENGTH} 个字。")
    return reason


async def request_cancellation(*, institution: Any, proof_no: str, reason: str, actor: str) -> Application:
    """Create a signed cancellation of the institution's current mortgage and submit it to the pipeline at once.

    Another institution's mortgage looks the same as a missing one. `actor`, the officer or the institution's
    system account, is recorded on the creation and submission events.
    """
    from mortgage_cloud.registry.service import get_mortgage_by_proof_no

    proof = normalize_proof_no(proof_no, field="proof_no")
    right = await get_mortgage_by_proof_no(proof.text)
    if right is None or right.mortgagee_uscc != institution.uscc:
        raise NotFound("登记簿中没有贵机构作为抵押权人的该项抵押权，请核对不动产登记证明号。",
                       code="MORTGAGE_NOT_FOUND", field="proof_no")
    if not right.is_current:
        raise Conflict("该抵押权已经注销。", code="MORTGAGE_ALREADY_CANCELLED", proof_no=proof.text)
    await _refuse_second_cancellation(proof.text)

    application = await _create_signed(institution=institution, right=right, reason=reason, actor=actor)
    await after_transition(application.id, State.SIGNED)
    moved = await transition(application.id, from_states=[State.SIGNED], to_state=State.SUBMITTED, actor=actor,
                             submitted_at=utcnow())
    if not moved:
        log.warning("cancellation moved before its submission", extra={"application_id": str(application.id)})
    log.info("mortgage cancellation submitted", extra={"application_id": str(application.id),
                                                       "mortgage_right_id": right.id})
    await application.refresh_from_db()
    return application


async def _refuse_second_cancellation(proof_no: str) -> None:
    open_states = [str(state) for state in State if state not in FINAL_STATES]
    if await Application.filter(kind=KIND_CANCELLATION, cancels_proof_no=proof_no, state__in=open_states).exists():
        raise Conflict("该抵押权已有注销申请正在办理，请勿重复申请。", code="CANCELLATION_IN_FLIGHT", proof_no=proof_no)


async def _create_signed(*, institution: Any, right: Any, reason: str, actor: str) -> Application:
    # The loan terms are copied from the mortgage being cancelled, so the status view reads as for a mortgage.
    mortgagors = [{"party_id": party_id, "must_sign": False} for party_id in right.mortgagor_party_ids]
    for _ in range(5):
        try:
            async with in_transaction() as connection:
                application = await Application.create(
                    application_no=new_application_no(), institution=institution, kind=KIND_CANCELLATION,
                    unit_no=right.unit.unit_no, state=State.SIGNED, cancels_proof_no=right.proof_no,
                    cancellation_reason=reason, mortgage_type=right.mortgage_type,
                    secured_amount=right.secured_amount, max_secured_amount=right.max_secured_amount,
                    debt_start=right.debt_start, debt_end=right.debt_end, guarantee_scope=right.guarantee_scope,
                    transfer_restricted=right.transfer_restricted, loan_contract_no="",
                    debtor_name=right.debtor_name, mortgagors=mortgagors, using_db=connection,
                )
                await ApplicationEvent.create(application=application, from_state=None, to_state=State.SIGNED,
                                              actor=actor, reasons=[{"code": "CANCELLATION_REQUESTED",
                                                                     "message": reason}],
                                              notify_pending=True, using_db=connection)
                return application
        except IntegrityError:
            log.warning("application number collided, drawing another")
    raise AppError("系统繁忙，请稍后重试。", code="APPLICATION_NO_EXHAUSTED")
