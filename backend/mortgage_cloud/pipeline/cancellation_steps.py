"""The pipeline's steps for a mortgage cancellation (抵押权注销), from submission to archive.

Each step is a guarded transition and safe to run twice, like the mortgage steps in `steps.py`.
"""

import logging
from typing import Any

from tortoise.transactions import in_transaction

from mortgage_cloud.applications.models import Application, ApplicationDocument
from mortgage_cloud.applications.states import State
from mortgage_cloud.applications.transitions import (
    SYSTEM_PIPELINE,
    SYSTEM_REGISTRY,
    after_transition,
    transition,
    utcnow,
)
from mortgage_cloud.errors import AppError
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.pipeline import checks
from mortgage_cloud.pipeline.proofs import store_proof_row, verification_url
from mortgage_cloud.pipeline.steps import _conclude, archive
from mortgage_cloud.review.catalogue import Finding, finding

log = logging.getLogger(__name__)

CANCELLATION_RIGHT_TYPE = "抵押权注销"

async def mortgage_findings(application: Application) -> list[Finding]:
    """Check that the mortgage to cancel exists, is current, is on the unit and belongs to the applying institution."""
    from mortgage_cloud.registry.service import get_mortgage_by_proof_no

    right = await get_mortgage_by_proof_no(application.cancels_proof_no or "")
    if right is None:
        return [finding("MORTGAGE_NOT_FOUND", proof_no=application.cancels_proof_no)]

    institution = await application.institution
    findings = []
    if not right.is_current:
        findings.append(finding("MORTGAGE_NOT_CURRENT", proof_no=right.proof_no))
    if right.mortgagee_uscc != institution.uscc:
        findings.append(finding("NOT_MORTGAGEE", proof_no=right.proof_no))
    if right.unit.unit_no != application.unit_no:
        findings.append(finding("MORTGAGE_UNIT_MISMATCH", unit_no=application.unit_no))
    return findings


async def platform_check(application: Application) -> bool:
    """Check the unit claim, the institution and the mortgage; move to platform_checked or rejected."""
    findings = await checks.claim_unit(application)
    findings += await checks.check_mortgagee(application)
    findings += await mortgage_findings(application)
    moved, _ = await _conclude(application, findings, passed=State.PLATFORM_CHECKED, actor=SYSTEM_PIPELINE)
    return moved


async def accept(application: Application) -> bool:
    """Registry acceptance (受理): re-check the mortgage and the claim in the registry's own transaction."""
    async with in_transaction() as connection:
        findings = await mortgage_findings(application)
        findings += await checks.claim_unit(application)
        moved, to_state = await _conclude(application, findings, passed=State.ACCEPTED, actor=SYSTEM_REGISTRY,
                                          connection=connection)
    if moved:
        await after_transition(application.id, to_state)
    return moved


async def review(application: Application) -> bool:
    """Automatic review (审核): the unit's register chain is intact."""
    from mortgage_cloud.registry.service import verify_chain

    findings: list[Finding] = []
    chain = await verify_chain(application.unit_no)
    if not chain.ok:
        findings.append(finding("REGISTER_CHAIN_BROKEN", unit_no=application.unit_no, first_bad_seq=chain.first_bad_seq))
    moved, _ = await _conclude(application, findings, passed=State.REVIEWED, actor=SYSTEM_REGISTRY)
    return moved


async def register(application: Application) -> bool:
    """Close the mortgage in the register (注销登簿) and move to registered, in one transaction."""
    from mortgage_cloud.registry.service import cancel_mortgage

    try:
        async with in_transaction() as connection:
            right = await cancel_mortgage(
                proof_no=application.cancels_proof_no or "", application_id=application.id,
                reason=application.cancellation_reason or "", recorded_by=SYSTEM_REGISTRY, cancelled_at=utcnow(),
                connection=connection,
            )
            moved = await transition(application.id, from_states=[State.REVIEWED], to_state=State.REGISTERED,
                                     actor=SYSTEM_REGISTRY, connection=connection, apply_to=application,
                                     mortgage_right_id=right.id)
    except AppError as error:
        # Another cancellation closed the mortgage after this one was accepted: nothing is left to cancel.
        log.info("mortgage cancellation rejected by the register",
                 extra={"application_id": str(application.id), "code": error.code})
        reasons = [finding("MORTGAGE_NOT_CURRENT", proof_no=application.cancels_proof_no).to_dict()]
        return await transition(application.id, from_states=[State.REVIEWED], to_state=State.REJECTED,
                                actor=SYSTEM_REGISTRY, reasons=reasons, apply_to=application, findings=reasons)
    if moved:
        await after_transition(application.id, State.REGISTERED)
    return moved


async def issue_proof(application: Application) -> bool:
    """Render the cancellation proof, seal it with the registry's seal and deliver it (制证/发证)."""
    await issue_cancellation_proof(application)
    return await transition(application.id, from_states=[State.REGISTERED], to_state=State.PROOF_ISSUED,
                            actor=SYSTEM_REGISTRY, apply_to=application, proof_issued_at=utcnow())


async def issue_cancellation_proof(application: Application) -> ApplicationDocument:
    """Render and seal the proof that states the cancellation; running it again replaces the file."""
    from mortgage_cloud.documents.proof import render_proof_pdf
    from mortgage_cloud.registry.models import MortgageRight

    right = await MortgageRight.get(id=application.mortgage_right_id).select_related("unit")
    proof = await _cancellation_proof_data(right)
    sealed = await _seal(render_proof_pdf(proof))

    key = f"applications/{application.id}/proof.pdf"
    digest = await runtime().storage.put(key, sealed)
    document = await store_proof_row(application.id, storage_key=key, sha256=digest)
    log.info("cancellation proof issued", extra={"application_id": str(application.id), "proof_no": right.proof_no})
    return document


async def _cancellation_proof_data(right: Any) -> Any:
    """Describe the cancelled mortgage on the proof form; the number on it is the cancelled proof's number."""
    from mortgage_cloud.documents.proof import ProofData
    from mortgage_cloud.registry.models import Party
    from mortgage_cloud.registry.service import get_unit_snapshot

    settings = runtime().settings
    names = dict(await Party.filter(id__in=right.mortgagor_party_ids).values_list("id", "name"))
    snapshot = await get_unit_snapshot(right.unit.unit_no)
    certificate_no = snapshot.ownership.certificate_no if snapshot and snapshot.ownership else "—"
    remarks = (f"注销不动产登记证明{right.proof_no}所载第{right.rank}顺位抵押权。\n"
               f"注销原因：{right.cancellation_reason or '—'}。")
    return ProofData(
        proof_no=right.proof_no, right_type=CANCELLATION_RIGHT_TYPE, right_holder=right.mortgagee_name,
        obligors=[names[party_id] for party_id in right.mortgagor_party_ids if party_id in names],
        location=right.unit.location, unit_no=right.unit.unit_no, mortgage_type=right.mortgage_type,
        secured_amount=right.secured_amount, max_secured_amount=right.max_secured_amount,
        debt_start=right.debt_start, debt_end=right.debt_end, rank=right.rank, certificate_no=certificate_no,
        guarantee_scope=right.guarantee_scope, remarks=remarks, registered_at=right.cancelled_at,
        registry_name=settings.registry_name, verification_url=verification_url(right.proof_no),
    )


async def _seal(pdf: bytes) -> bytes:
    from mortgage_cloud.documents.proof import PROOF_SEAL_BOX, PROOF_SEAL_PAGE
    from mortgage_cloud.signing.ca import PlatformCA
    from mortgage_cloud.signing.pades import sign_pdf
    from mortgage_cloud.signing.service import registry_seal

    settings = runtime().settings
    ca = await PlatformCA.load_or_create(settings.data_dir / "ca")
    return await sign_pdf(pdf, await registry_seal(ca), field_name="registry_seal", reason="不动产登记机构电子签章",
                          location=settings.registry_city, seal_text=settings.registry_name,
                          page=PROOF_SEAL_PAGE, box=PROOF_SEAL_BOX)


CANCELLATION_STEPS = {
    State.SUBMITTED: platform_check,
    State.PLATFORM_CHECKED: accept,
    State.ACCEPTED: review,
    State.REVIEWED: register,
    State.REGISTERED: issue_proof,
    State.PROOF_ISSUED: archive,
}
