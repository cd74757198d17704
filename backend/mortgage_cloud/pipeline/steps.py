"""The pipeline's steps from submission to archive; each one is a guarded transition and safe to run twice."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from tortoise.transactions import in_transaction

from mortgage_cloud.applications.models import Application, Signer
from mortgage_cloud.applications.states import State
from mortgage_cloud.applications.transitions import (
    SYSTEM_PIPELINE,
    SYSTEM_REGISTRY,
    after_transition,
    transition,
    utcnow,
)
from mortgage_cloud.pipeline import checks
from mortgage_cloud.pipeline.outcome import decide
from mortgage_cloud.review.catalogue import Finding, Outcome, finding

log = logging.getLogger(__name__)


async def platform_check(application: Application) -> bool:
    """Run the platform checks; move to platform_checked, rejected or manual_review."""
    from mortgage_cloud.registry.service import assess_unit, get_unit_snapshot

    findings = await checks.claim_unit(application)
    findings += await checks.check_consent(application)
    findings += await checks.check_mortgagee(application)
    signers = await Signer.filter(application_id=application.id)
    findings += checks.check_signers(signers)
    findings += await checks.check_signatures(application, signers)

    snapshot = await get_unit_snapshot(application.unit_no)
    if snapshot is None or snapshot.ownership is None:
        findings.append(finding("UNIT_NOT_FOUND", unit_no=application.unit_no))
    else:
        findings += checks.check_document_against_register(application, snapshot)
        findings += assess_unit(snapshot, mortgagor_id_hashes=_mortgagor_hashes(application))
        findings += checks.check_land_term(application, snapshot)

    moved, _ = await _conclude(application, findings, passed=State.PLATFORM_CHECKED, actor=SYSTEM_PIPELINE)
    return moved


def _mortgagor_hashes(application: Application) -> set[str]:
    return {mortgagor["id_hash"] for mortgagor in application.mortgagors}


async def accept(application: Application) -> bool:
    """Registry acceptance (受理): re-check the register in the registry's own transaction."""
    from mortgage_cloud.registry.service import assess_unit, get_unit_snapshot

    async with in_transaction() as connection:
        snapshot = await get_unit_snapshot(application.unit_no)
        findings: list[Finding] = []
        if snapshot is None or snapshot.ownership is None:
            findings.append(finding("UNIT_NOT_FOUND", unit_no=application.unit_no))
        else:
            findings += assess_unit(snapshot, mortgagor_id_hashes=_mortgagor_hashes(application))
        findings += await checks.claim_unit(application)
        moved, to_state = await _conclude(application, findings, passed=State.ACCEPTED, actor=SYSTEM_REGISTRY,
                                          connection=connection)
    if moved:
        await after_transition(application.id, to_state)
    return moved


async def review(application: Application) -> bool:
    """Automatic review (审核): the unit's register chain is intact and the documents still match the register."""
    from mortgage_cloud.registry.service import get_unit_snapshot, verify_chain

    findings: list[Finding] = []
    chain = await verify_chain(application.unit_no)
    if not chain.ok:
        findings.append(finding("REGISTER_CHAIN_BROKEN", unit_no=application.unit_no, first_bad_seq=chain.first_bad_seq))
    snapshot = await get_unit_snapshot(application.unit_no)
    if snapshot is not None and snapshot.ownership is not None:
        findings += checks.check_document_against_register(application, snapshot)
    moved, _ = await _conclude(application, findings, passed=State.REVIEWED, actor=SYSTEM_REGISTRY)
    return moved


async def register(application: Application) -> bool:
    """Enter the mortgage in the register (登簿) and take the proof number, in one transaction."""
    from mortgage_cloud.registry.service import register_mortgage

    institution = await application.institution
    async with in_transaction() as connection:
        right = await register_mortgage(
            unit_no=application.unit_no, application_id=application.id, mortgagee_name=institution.name,
            mortgagee_uscc=institution.uscc,
            mortgagor_party_ids=[mortgagor["party_id"] for mortgagor in application.mortgagors],
            debtor_name=application.debtor_name, mortgage_type=application.mortgage_type,
            secured_amount=application.secured_amount, max_secured_amount=application.max_secured_amount,
            debt_start=application.debt_start, debt_end=application.debt_end,
            guarantee_scope=application.guarantee_scope, transfer_restricted=application.transfer_restricted,
            recorded_by=SYSTEM_REGISTRY, registered_at=utcnow(), connection=connection,
        )
        moved = await transition(application.id, from_states=[State.REVIEWED], to_state=State.REGISTERED,
                                 actor=SYSTEM_REGISTRY, connection=connection, apply_to=application,
                                 proof_no=right.proof_no, mortgage_right_id=right.id)
    if moved:
        await after_transition(application.id, State.REGISTERED)
    return moved


async def issue_proof(application: Application) -> bool:
    """Render the registration proof, seal it with the registry's seal and deliver it (制证/发证)."""
    from mortgage_cloud.pipeline.proofs import issue_proof_document

    await issue_proof_document(application)
    return await transition(application.id, from_states=[State.REGISTERED], to_state=State.PROOF_ISSUED,
                            actor=SYSTEM_REGISTRY, apply_to=application, proof_issued_at=utcnow())


async def archive(application: Application) -> bool:
    """Archive (归档) the case file and release the unit."""
    from mortgage_cloud.pipeline.archive import archive_case_file

    await archive_case_file(application)
    return await transition(application.id, from_states=[State.PROOF_ISSUED], to_state=State.ARCHIVED,
                            actor=SYSTEM_REGISTRY, apply_to=application)


async def _conclude(application: Application, findings: list[Finding], *, passed: State, actor: str,
                    connection: Any = None) -> tuple[bool, State]:
    """Move to the state the findings lead to; a caller passing a connection runs `after_transition` on commit."""
    to_state = decide(_unapproved(application, findings), passed=passed)
    reasons = [item.to_dict() for item in findings]
    changes: dict[str, Any] = {"findings": reasons} if findings else {}
    moved = await transition(application.id, from_states=[application.state], to_state=to_state, actor=actor,
                             reasons=reasons, connection=connection, apply_to=application, **changes)
    return moved, to_state


def _unapproved(application: Application, findings: list[Finding]) -> list[Finding]:
    """Drop the review findings registry staff already approved, so a resumed step does not stop on them again."""
    approved = set(application.review_approved_codes or [])
    return [item for item in findings if not (item.outcome == Outcome.REVIEW and item.code in approved)]


MORTGAGE_STEPS = {
    State.SUBMITTED: platform_check,
    State.PLATFORM_CHECKED: accept,
    State.ACCEPTED: review,
    State.REVIEWED: register,
    State.REGISTERED: issue_proof,
    State.PROOF_ISSUED: archive,
}


def _dispatch_by_kind(state: State) -> Callable[[Application], Awaitable[bool]]:
    async def run(application: Application) -> bool:
        from mortgage_cloud.applications.models import KIND_CANCELLATION
        from mortgage_cloud.pipeline.cancellation_steps import CANCELLATION_STEPS

        steps = CANCELLATION_STEPS if application.kind == KIND_CANCELLATION else MORTGAGE_STEPS
        return await steps[state](application)

    return run


# The runner looks a step up by state. Each entry picks the mortgage or the cancellation step by kind.
STEPS = {state: _dispatch_by_kind(state) for state in MORTGAGE_STEPS}
