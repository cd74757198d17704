"""Entering mortgages in the register: ranks, idempotency, proof numbers and cancellation."""

import asyncio
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from tortoise.transactions import in_transaction

from mortgage_cloud.errors import NotFound, ValidationFailed
from mortgage_cloud.identifiers import normalize_proof_no
from mortgage_cloud.registry.models import MortgageRight, ProofCounter, RegisterEntry
from mortgage_cloud.registry.service import (
    cancel_mortgage,
    get_mortgage_by_proof_no,
    get_unit_snapshot,
    register_mortgage,
    verify_chain,
)

MORTGAGEE = {"mortgagee_name": "湘江演示银行股份有限公司长沙分行", "mortgagee_uscc": "91350100M000100Y43"}


async def register(unit_no: str, party_ids: list[int], *, application_id=None, registered_at=None, **changes):
    fields = {
        **MORTGAGEE, "debtor_name": "测试借款人", "mortgage_type": "general", "secured_amount": Decimal("800000.00"),
        "max_secured_amount": None, "debt_start": date(2026, 12, 4), "debt_end": date(2046, 12, 3),
        "guarantee_scope": "主债权及利息", "transfer_restricted": False, **changes,
    }
    async with in_transaction() as connection:
        return await register_mortgage(
            unit_no=unit_no, application_id=application_id or uuid.uuid4(), mortgagor_party_ids=party_ids,
            recorded_by="test", registered_at=registered_at or datetime.now(timezone.utc), connection=connection,
            **fields,
        )


async def test_register_first_mortgage_rank_one(unit_factory):
    created = await unit_factory()
    right = await register(created.unit_no, [created.parties[0].id])
    assert right.rank == 1
    assert normalize_proof_no(right.proof_no).city == "长沙市"


async def test_register_second_mortgage_next_rank(unit_factory):
    created = await unit_factory()
    first = await register(created.unit_no, [created.parties[0].id])
    second = await register(created.unit_no, [created.parties[0].id])
    assert (first.rank, second.rank) == (1, 2)
    unit = await get_unit_snapshot(created.unit_no)
    assert [mortgage.proof_no for mortgage in unit.mortgages] == [first.proof_no, second.proof_no]


async def test_register_repeat_returns_same_right(unit_factory):
    created = await unit_factory()
    application_id = uuid.uuid4()
    first = await register(created.unit_no, [created.parties[0].id], application_id=application_id)
    again = await register(created.unit_no, [created.parties[0].id], application_id=application_id)
    assert again.id == first.id
    assert await RegisterEntry.filter(unit_no=created.unit_no).count() == 1


async def test_register_appends_chained_entry(unit_factory):
    created = await unit_factory()
    right = await register(created.unit_no, [created.parties[0].id])
    entry = await RegisterEntry.get(unit_no=created.unit_no, seq=1)
    assert entry.payload["proof_no"] == right.proof_no
    assert entry.payload["mortgagor_id_hashes"] == [created.parties[0].id_hash]
    assert (await verify_chain(created.unit_no)).ok


async def test_register_unknown_unit_not_found(unit_factory):
    created = await unit_factory()
    with pytest.raises(NotFound):
        await register("430111999998GB00001F00010001", [created.parties[0].id])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mortgage_type": "ordinary"}, "mortgage_type"),
        ({"secured_amount": None}, "secured_amount"),
        ({"mortgage_type": "maximum", "max_secured_amount": Decimal("0")}, "max_secured_amount"),
        ({"debt_end": date(2020, 1, 1)}, "debt_end"),
        ({"mortgagee_uscc": "9135010"}, "mortgagee_uscc"),
    ],
)
async def test_register_bad_terms_rejected(unit_factory, changes, field):
    created = await unit_factory()
    with pytest.raises(ValidationFailed) as raised:
        await register(created.unit_no, [created.parties[0].id], **changes)
    assert raised.value.context["field"] == field


async def test_register_unknown_party_rejected(unit_factory):
    created = await unit_factory()
    with pytest.raises(ValidationFailed) as raised:
        await register(created.unit_no, [created.parties[0].id, 99_999_999])
    assert raised.value.context["field"] == "mortgagor_party_ids"


async def test_proof_numbers_gapless_concurrent(unit_factory):
    units = [await unit_factory() for _ in range(20)]
    when = datetime(2027, 1, 4, 2, 0, tzinfo=timezone.utc)  # a year no other test uses, so its counter starts here
    before = await ProofCounter.filter(region="430100", year=2027).first()
    start = before.last_number if before else 0

    rights = await asyncio.gather(*(register(created.unit_no, [created.parties[0].id], registered_at=when)
                                    for created in units))
    numbers = sorted(normalize_proof_no(right.proof_no).number for right in rights)
    assert numbers == list(range(start + 1, start + 21))


async def test_proof_number_returned_on_rollback(unit_factory):
    created = await unit_factory()
    other = await unit_factory()
    when = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)

    with pytest.raises(RuntimeError):
        async with in_transaction() as connection:
            lost = await register_mortgage(
                unit_no=created.unit_no, application_id=uuid.uuid4(), mortgagor_party_ids=[created.parties[0].id],
                debtor_name="测试", mortgage_type="general", secured_amount=Decimal("1"), max_secured_amount=None,
                debt_start=date(2026, 6, 1), debt_end=date(2036, 6, 1), guarantee_scope="", transfer_restricted=False,
                recorded_by="test", registered_at=when, connection=connection, **MORTGAGEE,
            )
            raise RuntimeError("crash after the proof number was taken")

    kept = await register(other.unit_no, [other.parties[0].id], registered_at=when)
    assert kept.proof_no == lost.proof_no
    assert not await MortgageRight.filter(unit__unit_no=created.unit_no).exists()


async def test_cancel_closes_mortgage(unit_factory):
    created = await unit_factory()
    right = await register(created.unit_no, [created.parties[0].id])
    application_id = uuid.uuid4()
    async with in_transaction() as connection:
        cancelled = await cancel_mortgage(proof_no=right.proof_no, application_id=application_id, reason="主债权消灭",
                                          recorded_by="test", cancelled_at=datetime.now(timezone.utc),
                                          connection=connection)
    assert not cancelled.is_current
    assert (await get_unit_snapshot(created.unit_no)).mortgages == []
    assert (await RegisterEntry.get(unit_no=created.unit_no, seq=2)).kind == "mortgage_cancelled"


async def test_cancel_repeat_returns_right(unit_factory):
    created = await unit_factory()
    right = await register(created.unit_no, [created.parties[0].id])
    application_id = uuid.uuid4()
    for _ in range(2):
        async with in_transaction() as connection:
            cancelled = await cancel_mortgage(proof_no=right.proof_no, application_id=application_id, reason="还清贷款",
                                              recorded_by="test", cancelled_at=datetime.now(timezone.utc),
                                              connection=connection)
    assert cancelled.cancellation_application_id == application_id
    assert await RegisterEntry.filter(unit_no=created.unit_no).count() == 2


async def test_get_by_proof_no_full_width(unit_factory):
    created = await unit_factory()
    right = await register(created.unit_no, [created.parties[0].id])
    found = await get_mortgage_by_proof_no(right.proof_no.replace("(", "（").replace(")", "）"))
    assert found.id == right.id
    assert found.unit.unit_no == created.unit_no


async def test_get_by_proof_no_unknown_none(runtime):
    assert await get_mortgage_by_proof_no("湘(2026)长沙市不动产证明第9999999号") is None
