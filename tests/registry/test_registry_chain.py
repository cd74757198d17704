"""The register's hash chain: appending, verifying and detecting tampering."""

import pytest
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from mortgage_cloud.registry.chain import GENESIS_HASH
from mortgage_cloud.registry.models import RegisterEntry
from mortgage_cloud.registry.service import ChainCheck, append_entry, verify_chain


async def append_three(unit_no: str) -> list[RegisterEntry]:
    entries = []
    for number in range(3):
        async with in_transaction() as connection:
            entries.append(await append_entry(unit_no=unit_no, kind="note", payload={"number": number, "text": "备注"},
                                              recorded_by="test", connection=connection))
    return entries


async def test_chain_entries_linked(unit_factory):
    created = await unit_factory()
    entries = await append_three(created.unit_no)
    assert [entry.seq for entry in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[2].prev_hash == entries[1].entry_hash


async def test_chain_intact_verifies(unit_factory):
    created = await unit_factory()
    await append_three(created.unit_no)
    assert await verify_chain(created.unit_no) == ChainCheck(ok=True, entries=3)


async def test_chain_tampered_payload_detected(unit_factory):
    created = await unit_factory()
    entries = await append_three(created.unit_no)
    await RegisterEntry.filter(id=entries[1].id).update(payload={"number": 1, "text": "改过"})
    check = await verify_chain(created.unit_no)
    assert not check.ok
    assert check.first_bad_seq == 2


async def test_chain_deleted_entry_detected(unit_factory):
    created = await unit_factory()
    entries = await append_three(created.unit_no)
    await RegisterEntry.filter(id=entries[1].id).delete()
    check = await verify_chain(created.unit_no)
    assert check.first_bad_seq == 3


async def test_chain_duplicate_seq_rejected(unit_factory):
    created = await unit_factory()
    first = (await append_three(created.unit_no))[0]
    with pytest.raises(IntegrityError):
        await RegisterEntry.create(unit_no=created.unit_no, seq=1, kind="note", payload={}, prev_hash=GENESIS_HASH,
                                   entry_hash=first.entry_hash, recorded_at=first.recorded_at, recorded_by="race")


async def test_chain_empty_unit_ok(runtime):
    check = await verify_chain("430111999997GB00001F00010001")
    assert (check.ok, check.entries) == (True, 0)
