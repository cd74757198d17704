"""Entering mortgages in the register (登簿), cancelling them (注销) and finding them by proof number."""

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from mortgage_cloud.errors import Conflict, NotFound, field_error
from mortgage_cloud.identifiers import check_uscc, normalize_proof_no
from mortgage_cloud.registry.chain import append_entry, canonical_time
from mortgage_cloud.registry.models import MortgageRight, Party, PropertyUnit
from mortgage_cloud.registry.proofs import allocate_proof_no

log = logging.getLogger(__name__)

MORTGAGE_TYPES = ("general", "maximum")


async def register_mortgage(
    *, unit_no: str, application_id: UUID | None, mortgagee_name: str, mortgagee_uscc: str,
    mortgagor_party_ids: list[int], debtor_name: str, mortgage_type: str, secured_amount: Decimal | None,
    max_secured_amount: Decimal | None, debt_start: date, debt_end: date, guarantee_scope: str,
    transfer_restricted: bool, recorded_by: str, registered_at: datetime, connection: Any,
) -> MortgageRight:
    """Enter a mortgage in the register inside the caller's transaction; return the existing right on a repeat.

    The right gets the next rank on the unit and the next proof number, and its register entry is
    chained to the unit's previous entry. Everything commits or rolls back with the caller. Two
    concurrent calls for one application both pass the repeat check, and the unique application_id
    makes the second fail with IntegrityError, so its caller retries and gets the stored right.
    """
    if application_id is not None:
        existing = await MortgageRight.filter(application_id=application_id).using_db(connection).first()
        if existing is not None:
            log.info("mortgage already registered", extra={"application_id": str(application_id),
                                                           "mortgage_right_id": existing.id})
            return existing

    _check_terms(mortgage_type=mortgage_type, secured_amount=secured_amount, max_secured_amount=max_secured_amount,
                 debt_start=debt_start, debt_end=debt_end)
    uscc = _checked_uscc(mortgagee_uscc)
    unit = await PropertyUnit.filter(unit_no=unit_no).using_db(connection).first()
    if unit is None:
        raise NotFound("登记簿中没有该不动产单元，请核对不动产单元号。", code="UNIT_NOT_FOUND", unit_no=unit_no)
    mortgagor_hashes = await _mortgagor_hashes(mortgagor_party_ids, connection=connection)

    rank = await _next_rank(unit.id, connection=connection)
    proof_no = await allocate_proof_no(registered_at=registered_at, connection=connection)
    right = await MortgageRight.create(
        unit=unit, application_id=application_id, mortgagee_name=mortgagee_name, mortgagee_uscc=uscc,
        mortgagor_party_ids=list(mortgagor_party_ids), debtor_name=debtor_name, mortgage_type=mortgage_type,
        secured_amount=secured_amount, max_secured_amount=max_secured_amount, debt_start=debt_start,
        debt_end=debt_end, guarantee_scope=guarantee_scope, transfer_restricted=transfer_restricted, rank=rank,
        proof_no=proof_no, registered_at=registered_at, recorded_by=recorded_by, is_current=True,
        using_db=connection,
    )

    await append_entry(
        unit_no=unit_no, kind="mortgage_registered", payload=mortgage_payload(right, mortgagor_hashes),
        recorded_by=recorded_by, recorded_at=registered_at, connection=connection,
    )
    log.info("mortgage registered", extra={"unit_no": unit_no, "mortgage_right_id": right.id, "rank": rank,
                                           "proof_no": proof_no, "application_id": str(application_id)})
    return right


def mortgage_payload(right: MortgageRight, mortgagor_id_hashes: list[str]) -> dict[str, Any]:
    """Return the register entry payload of a mortgage: JSON-native values only, amounts as strings."""
    return {
        "proof_no": right.proof_no,
        "rank": right.rank,
        "application_id": None if right.application_id is None else str(right.application_id),
        "mortgagee_name": right.mortgagee_name,
        "mortgagee_uscc": right.mortgagee_uscc,
        "mortgagor_id_hashes": sorted(mortgagor_id_hashes),
        "debtor_name": right.debtor_name,
        "mortgage_type": right.mortgage_type,
        "secured_amount": _amount(right.secured_amount),
        "max_secured_amount": _amount(right.max_secured_amount),
        "debt_start": right.debt_start.isoformat(),
        "debt_end": right.debt_end.isoformat(),
        "guarantee_scope": right.guarantee_scope,
        "transfer_restricted": right.transfer_restricted,
        "registered_at": canonical_time(right.registered_at),
    }


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _check_terms(
    *, mortgage_type: str, secured_amount: Decimal | None, max_secured_amount: Decimal | None, debt_start: date,
    debt_end: date,
) -> None:
    if mortgage_type not in MORTGAGE_TYPES:
        raise field_error("mortgage_type", "抵押方式应为 general（一般抵押）或 maximum（最高额抵押）。")
    if mortgage_type == "general" and not (secured_amount and secured_amount > 0):
        raise field_error("secured_amount", "一般抵押须填写大于0的被担保主债权数额（元）。")
    if mortgage_type == "maximum" and not (max_secured_amount and max_secured_amount > 0):
        raise field_error("max_secured_amount", "最高额抵押须填写大于0的最高债权额（元）。")
    if debt_end < debt_start:
        raise field_error("debt_end", "债务履行期限的结束日期早于开始日期，请核对。")


def _checked_uscc(value: str) -> str:
    check = check_uscc(value, field="mortgagee_uscc")
    if not check.check_char_valid:
        # Some early codes legally fail the check; the mortgagee was vetted as an institution before this step.
        log.warning("mortgagee credit code fails its check character", extra={"uscc": check.code})
    return check.code


async def _mortgagor_hashes(party_ids: list[int], *, connection: Any) -> list[str]:
    if not party_ids:
        raise field_error("mortgagor_party_ids", "至少需要一名抵押人。")
    hashes = dict(await Party.filter(id__in=party_ids).using_db(connection).values_list("id", "id_hash"))
    missing = [party_id for party_id in party_ids if party_id not in hashes]
    if missing:
        raise field_error("mortgagor_party_ids", f"登记簿中没有编号为{missing}的权利人，请核对抵押人。")
    return [hashes[party_id] for party_id in party_ids]


async def _next_rank(unit_id: int, *, connection: Any) -> int:
    top = await MortgageRight.filter(unit_id=unit_id, is_current=True).using_db(connection).order_by("-rank").first()
    return 1 if top is None else top.rank + 1


async def cancel_mortgage(
    *, proof_no: str, application_id: UUID | None, reason: str, recorded_by: str, cancelled_at: datetime,
    connection: Any,
) -> MortgageRight:
    """Close a current mortgage (注销) with a register entry; a repeat by the same application returns the right."""
    proof = normalize_proof_no(proof_no)
    right = await MortgageRight.filter(proof_no=proof.text).using_db(connection).select_related("unit").first()
    if right is None:
        raise NotFound("登记簿中没有该不动产登记证明号对应的抵押权。", code="MORTGAGE_NOT_FOUND", proof_no=proof.text)
    if not right.is_current:
        if application_id is not None and right.cancellation_application_id == application_id:
            return right
        raise Conflict("该抵押权已经注销。", code="MORTGAGE_ALREADY_CANCELLED", proof_no=proof.text)

    changed = await MortgageRight.filter(id=right.id, is_current=True).using_db(connection).update(
        is_current=False, cancelled_at=cancelled_at, cancellation_reason=reason,
        cancellation_application_id=application_id,
    )
    if not changed:
        raise Conflict("该抵押权正在被其他业务注销，请刷新后重试。", code="MORTGAGE_ALREADY_CANCELLED", proof_no=proof.text)

    payload = {
        "proof_no": proof.text,
        "reason": reason,
        "application_id": None if application_id is None else str(application_id),
        "cancelled_at": canonical_time(cancelled_at),
    }
    await append_entry(unit_no=right.unit.unit_no, kind="mortgage_cancelled", payload=payload,
                       recorded_by=recorded_by, recorded_at=cancelled_at, connection=connection)
    log.info("mortgage cancelled", extra={"mortgage_right_id": right.id, "proof_no": proof.text})
    return await MortgageRight.filter(id=right.id).using_db(connection).get()


async def get_mortgage_by_proof_no(proof_no: str) -> MortgageRight | None:
    """Return the mortgage right with this proof number (current or cancelled), its unit loaded, or None."""
    proof = normalize_proof_no(proof_no)
    return await MortgageRight.filter(proof_no=proof.text).select_related("unit").first()
