"""Submitting a signed application to the pipeline, and withdrawing one before acceptance."""

import logging
from typing import Any

from mortgage_cloud.applications.models import Application, Signer
from mortgage_cloud.applications.states import WITHDRAWABLE_STATES, State
from mortgage_cloud.applications.transitions import transition, utcnow
from mortgage_cloud.errors import Conflict
from mortgage_cloud.review.catalogue import RULES

log = logging.getLogger(__name__)


async def submit(*, application: Application, actor: str) -> Application:
    """Hand a fully signed application to the pipeline; reject it, naming the missing signers, when it is not.

    `application` must be freshly read: its state picks the error, and the guarded transition decides.
    """
    if application.state in (State.DOCUMENTS_READY, State.SIGNING):
        await _refuse_unsigned(application)
    if application.state != State.SIGNED:
        raise Conflict("当前状态不能提交。", code="NOT_SUBMITTABLE", state=str(application.state))

    moved = await transition(application.id, from_states=[State.SIGNED], to_state=State.SUBMITTED, actor=actor,
                             apply_to=application, submitted_at=utcnow())
    if not moved:
        raise Conflict("该申请已经提交。", code="ALREADY_SUBMITTED")
    return application


async def _refuse_unsigned(application: Application) -> None:
    unsigned = await Signer.filter(application_id=application.id, signed_at__isnull=True)
    mortgagors = [signer.name for signer in unsigned if signer.role == "mortgagor"]
    if mortgagors:
        rule = RULES["CO_OWNER_NOT_SIGNED"]
        raise Conflict(rule.message, code=rule.code, unsigned=mortgagors)
    rule = RULES["SIGNATURE_MISSING"]
    raise Conflict("抵押权人（银行）尚未签章。" + rule.message, code=rule.code)


async def withdraw(*, application: Application, actor: str, reason: str) -> Application:
    """Withdraw an application that the registry has not accepted yet."""
    moved = await transition(application.id, from_states=WITHDRAWABLE_STATES, to_state=State.WITHDRAWN, actor=actor,
                             reasons=[{"code": "WITHDRAWN", "message": reason[:200]}])
    if not moved:
        await application.refresh_from_db(fields=["state"])
        raise Conflict("登记机构受理后不能撤回。", code="NOT_WITHDRAWABLE", state=str(application.state))
    log.info("application withdrawn", extra={"application_id": str(application.id)})
    await application.refresh_from_db()
    return application


async def status_view(application: Application, *, for_institution: bool = False,
                      caller: Any = None) -> dict[str, Any]:
    """Describe the application's state, timeline and rule results for the status APIs.

    With `caller`, the borrower who sent the request, each signer carries `is_caller`, which marks the caller's own
    signer by borrower id or ID-number hash, because two co-owners may share a name.
    """
    from mortgage_cloud.applications.states import LABELS
    from mortgage_cloud.applications.service import events_of

    from mortgage_cloud.banks.models import Institution
    from mortgage_cloud.registry.models import PropertyUnit

    events = await events_of(application)
    signers = await Signer.filter(application_id=application.id).order_by("role", "position")
    institution_names = await Institution.filter(id=application.institution_id).values_list("name", flat=True)
    locations = await PropertyUnit.filter(unit_no=application.unit_no).values_list("location", flat=True)
    view = {
        "id": str(application.id),
        "application_no": application.application_no,
        "kind": application.kind,
        "cancels_proof_no": application.cancels_proof_no,
        "institution_name": institution_names[0] if institution_names else None,
        "unit_no": application.unit_no,
        "location": locations[0] if locations else None,
        "state": str(application.state),
        "state_label": LABELS[State(application.state)],
        "mortgage_type": application.mortgage_type,
        "secured_amount": _money(application.secured_amount),
        "max_secured_amount": _money(application.max_secured_amount),
        "debt_start": str(application.debt_start),
        "debt_end": str(application.debt_end),
        "proof_no": application.proof_no,
        "findings": application.findings,
        "signers": [_signer_view(signer, caller) for signer in signers],
        "timeline": [
            {"state": event.to_state, "label": LABELS[State(event.to_state)], "at": _time(event.occurred_at),
             "actor": event.actor if for_institution else event.actor.split(":")[0], "reasons": event.reasons}
            for event in events
        ],
        "submitted_at": _time(application.submitted_at),
        "proof_issued_at": _time(application.proof_issued_at),
    }
    return view


def _signer_view(signer: Signer, caller: Any) -> dict[str, Any]:
    view = {"id": str(signer.id), "role": signer.role, "name": signer.name, "signed": signer.signed_at is not None,
            "signed_at": _time(signer.signed_at)}
    if caller is not None:
        view["is_caller"] = _is_caller_signer(signer, caller)
    return view


def _is_caller_signer(signer: Signer, borrower: Any) -> bool:
    # Signing finds the mortgagor signer by the ID-number hash, so this marks the signer that the
    # borrower's signature fills, or has filled.
    if signer.role != "mortgagor":
        return False
    if signer.borrower_id == borrower.id:
        return True
    return bool(borrower.id_hash) and signer.id_hash == borrower.id_hash


def _money(value: Any) -> str | None:
    return None if value is None else str(value)


def _time(value: Any) -> str | None:
    return None if value is None else value.isoformat()
