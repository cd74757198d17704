"""The bank's side of kiosk sessions: officers in the evidence, read-only officers, and the OpenAPI description."""

import pytest

from mortgage_cloud.banks.client import BankApiError
from mortgage_cloud.banks.service import create_officer


@pytest.fixture
async def officer_client(flow_banks):
    """The first bank's client, sending `Mc-Officer-Id` of a new loan officer while the test runs."""
    bank = flow_banks[0]
    officer = await create_officer(institution_id=bank.institution_id, name="李经理", role="loan_officer")
    bank.client.officer_id = str(officer.id)
    yield bank.client, str(officer.id)
    bank.client.officer_id = None


async def test_kiosk_evidence_names_opening_officer(officer_client, open_visit):
    _, officer_id = officer_client
    visit = await open_visit()
    await visit.device.face_check(visit.person)
    session = await visit.bank.client.kiosk_session(visit.session["id"])
    assert {row["officer_id"] for row in session["evidence"]} == {officer_id}


async def test_kiosk_open_by_read_only_officer_rejected(flow_banks):
    bank = flow_banks[0]
    officer = await create_officer(institution_id=bank.institution_id, name="赵查询", role="read_only")
    bank.client.officer_id = str(officer.id)
    try:
        with pytest.raises(BankApiError) as raised:
            await bank.client.open_kiosk_session(device_id="kiosk-1", borrower_name="张三",
                                                 id_number="430102199001011234")
    finally:
        bank.client.officer_id = None
    assert raised.value.status == 403


async def test_kiosk_session_read_by_read_only_officer(open_visit):
    visit = await open_visit()
    officer = await create_officer(institution_id=visit.bank.institution_id, name="赵查询", role="read_only")
    visit.bank.client.officer_id = str(officer.id)
    try:
        session = await visit.bank.client.kiosk_session(visit.session["id"])
    finally:
        visit.bank.client.officer_id = None
    assert session["id"] == visit.session["id"]


async def test_kiosk_session_view_has_no_token(open_visit):
    visit = await open_visit()
    session = await visit.bank.client.kiosk_session(visit.session["id"])
    assert "token" not in session


async def test_openapi_lists_kiosk_routes(client):
    paths = (await client.get("/bank/v1/openapi.json")).json()["paths"]
    assert paths["/bank/v1/kiosk-sessions"]["post"]["summary"] == "发起智能设备办理会话"
    assert "post" in paths["/bank/v1/kiosk-sessions/{session_id}/application"]
    assert "get" in paths["/bank/v1/kiosk-sessions/{session_id}"]


async def test_openapi_kiosk_open_needs_idempotency_key(client):
    operation = (await client.get("/bank/v1/openapi.json")).json()["paths"]["/bank/v1/kiosk-sessions"]["post"]
    refs = [parameter.get("$ref", "") for parameter in operation["parameters"]]
    assert "#/components/parameters/IdempotencyKey" in refs
