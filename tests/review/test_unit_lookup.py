"""`GET /api/v1/staff/units/<unit_no>`: the register as registry staff look it up, over HTTP on the seeded register."""

import logging
import re

import pytest
from registry_console_support import staff_login

from mortgage_cloud.registry.models import RegisterEntry
from mortgage_cloud.review.models import Staff

PATH = "/api/v1/staff/units/"
MASKED_ID = re.compile(r"^\d{3}\*{11}[\dX]{4}$")
UNKNOWN_UNIT = "430104999999GB99999F99999999"


@pytest.fixture
async def headers(client, runtime) -> dict[str, str]:
    return (await staff_login(client))[2]


@pytest.fixture
async def mortgaged_unit(unit_pool) -> str:
    return unit_pool["already_mortgaged"].pop(0)


async def test_unit_lookup_without_token_401(client, seeded_register, mortgaged_unit):
    response = await client.get(PATH + mortgaged_unit)
    assert response.status_code == 401


async def test_unit_lookup_invalid_unit_no_422(client, headers):
    response = await client.get(PATH + "430104-not-a-unit", headers=headers)
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "unit_no"


async def test_unit_lookup_unknown_unit_404(client, headers, seeded_register):
    response = await client.get(PATH + UNKNOWN_UNIT, headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "UNIT_NOT_FOUND"


async def test_unit_lookup_lower_case_normalized(client, headers, mortgaged_unit):
    response = await client.get(PATH + mortgaged_unit.lower(), headers=headers)
    assert response.json()["unit_no"] == mortgaged_unit


async def test_unit_lookup_owner_id_numbers_masked(client, headers, unit_pool):
    response = await client.get(PATH + unit_pool["joint_owned"].pop(0), headers=headers)
    owners = response.json()["owners"]
    assert len(owners) >= 2
    assert all(MASKED_ID.match(owner["id_number"]) for owner in owners)


async def test_unit_lookup_no_id_hashes_returned(client, headers, mortgaged_unit):
    response = await client.get(PATH + mortgaged_unit, headers=headers)
    assert "id_hash" not in response.text


async def test_unit_lookup_current_mortgage(client, headers, mortgaged_unit):
    response = await client.get(PATH + mortgaged_unit, headers=headers)
    mortgage = response.json()["mortgages"][0]
    assert mortgage["rank"] == 1
    assert "不动产证明第" in mortgage["proof_no"]


async def test_unit_lookup_restriction_labelled(client, headers, unit_pool):
    response = await client.get(PATH + unit_pool["seized"].pop(0), headers=headers)
    assert "查封" in [item["label"] for item in response.json()["restrictions"]]


async def test_unit_lookup_entries_newest_first(client, headers, mortgaged_unit):
    response = await client.get(PATH + mortgaged_unit, headers=headers)
    sequence = [entry["seq"] for entry in response.json()["entries"]]
    assert sequence == sorted(sequence, reverse=True)
    assert sequence[-1] == 1


async def test_unit_lookup_chain_verifies(client, headers, mortgaged_unit):
    response = await client.get(PATH + mortgaged_unit, headers=headers)
    chain = response.json()["chain"]
    assert chain["ok"] is True
    assert chain["first_bad_seq"] is None


async def test_unit_lookup_tampered_chain_reported(client, headers, unit_pool):
    unit_no = unit_pool["pre_seized"].pop(0)
    entry = await RegisterEntry.filter(unit_no=unit_no, seq=1).get()
    original = dict(entry.payload)
    await RegisterEntry.filter(id=entry.id).update(payload={**original, "certificate_no": "湘(2026)长沙市不动产权第9999999号"})
    try:
        response = await client.get(PATH + unit_no, headers=headers)
    finally:
        await RegisterEntry.filter(id=entry.id).update(payload=original)
    chain = response.json()["chain"]
    assert chain["ok"] is False
    assert chain["first_bad_seq"] == 1


async def test_unit_lookup_logged_with_staff_id(client, runtime, mortgaged_unit, caplog):
    username, _, headers = await staff_login(client)
    caplog.set_level(logging.INFO, logger="mortgage_cloud.review.unit_lookup")
    await client.get(PATH + mortgaged_unit, headers=headers)
    record = next(record for record in caplog.records if record.getMessage() == "staff looked up unit")
    staff = await Staff.get(username=username)
    assert record.unit_no == mortgaged_unit
    assert record.staff_id == str(staff.id)


async def test_unit_lookup_not_cached(client, headers, mortgaged_unit):
    response = await client.get(PATH + mortgaged_unit, headers=headers)
    assert response.headers["Cache-Control"] == "no-store"
