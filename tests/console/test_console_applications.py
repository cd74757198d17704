"""Console applications over HTTP: consents, property query, create, list search/filter/paging, detail, actions."""

from datetime import date, timedelta

import pytest

from mortgage_cloud.applications.models import ApplicationEvent
from mortgage_cloud.demo.cases import wait_as_bank

TIMEOUT_SECONDS = 120


def loan_data(consent_id: str, unit_no: str, *, contract: str = "JK-2026-CONSOLE1") -> dict:
    start = date.today() + timedelta(days=3)
    return {"consent_id": consent_id, "unit_no": unit_no, "mortgage_type": "general", "secured_amount": "560000.00",
            "debt_start": start.isoformat(), "debt_end": start.replace(year=start.year + 10).isoformat(),
            "loan_contract_no": contract}


@pytest.fixture
async def officer_headers(make_officer, session_of) -> dict:
    return await session_of(await make_officer(role="loan_officer"))


@pytest.fixture
async def supervisor_headers(make_officer, session_of) -> dict:
    return await session_of(await make_officer(role="supervisor"))


@pytest.fixture
async def created(client, consenting_borrower, officer_headers) -> dict:
    """An application created through the console for a consenting borrower, with its borrower."""
    borrower = await consenting_borrower()
    response = await client.post("/console/v1/applications", headers=officer_headers,
                                 json=loan_data(borrower.consent_id, borrower.unit_no))
    assert response.status_code == 201, response.text
    return {"application": response.json(), "borrower": borrower}


async def test_consents_list_valid_consent(client, consenting_borrower, officer_headers):
    borrower = await consenting_borrower()
    items = (await client.get("/console/v1/consents", headers=officer_headers)).json()["items"]
    assert borrower.consent_id in {item["id"] for item in items}


async def test_consents_list_masks_borrower(client, consenting_borrower, officer_headers):
    borrower = await consenting_borrower()
    items = (await client.get("/console/v1/consents", headers=officer_headers)).json()["items"]
    item = next(entry for entry in items if entry["id"] == borrower.consent_id)
    assert item["borrower_name"] != borrower.actor.person.name
    assert item["borrower_name"][0] == borrower.actor.person.name[0]
    assert borrower.actor.person.id_number not in str(item)
    assert borrower.actor.person.phone not in str(item)


async def test_consents_list_leaves_out_other_bank(client, consenting_borrower, officer_headers):
    borrower = await consenting_borrower(bank=1)
    items = (await client.get("/console/v1/consents", headers=officer_headers)).json()["items"]
    assert borrower.consent_id not in {item["id"] for item in items}


async def test_consents_list_leaves_out_revoked(client, consenting_borrower, officer_headers):
    borrower = await consenting_borrower()
    await borrower.actor.call("revoke", "DELETE", f"/api/v1/consents/{borrower.consent_id}")
    items = (await client.get("/console/v1/consents", headers=officer_headers)).json()["items"]
    assert borrower.consent_id not in {item["id"] for item in items}


async def test_property_query_lists_unit(client, consenting_borrower, officer_headers):
    borrower = await consenting_borrower()
    response = await client.post("/console/v1/property-queries", headers=officer_headers,
                                 json={"consent_id": borrower.consent_id})
    assert response.status_code == 200
    assert borrower.unit_no in {item["unit_no"] for item in response.json()["items"]}


async def test_property_query_other_bank_consent_rejected(client, consenting_borrower, officer_headers):
    borrower = await consenting_borrower(bank=1)
    response = await client.post("/console/v1/property-queries", headers=officer_headers,
                                 json={"consent_id": borrower.consent_id})
    assert response.status_code == 403
    assert response.json()["code"] == "CONSENT_INVALID"


async def test_create_application_draft(created):
    application = created["application"]
    assert application["state"] == "draft"
    assert application["unit_no"] == created["borrower"].unit_no


async def test_create_application_invalid_amount_names_field(client, consenting_borrower, officer_headers):
    borrower = await consenting_borrower()
    body = {**loan_data(borrower.consent_id, borrower.unit_no), "secured_amount": "-1"}
    response = await client.post("/console/v1/applications", headers=officer_headers, json=body)
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "secured_amount"


async def test_generate_documents_ready(client, created, officer_headers):
    application_id = created["application"]["id"]
    response = await client.post(f"/console/v1/applications/{application_id}/documents", headers=officer_headers)
    assert response.status_code == 201
    assert response.json()["state"] == "documents_ready"
    assert {item["kind"] for item in response.json()["documents"]} == {
        "mortgage_contract", "application_form", "power_of_attorney"}


async def test_generate_documents_records_officer(client, created, officer_headers):
    application_id = created["application"]["id"]
    await client.post(f"/console/v1/applications/{application_id}/documents", headers=officer_headers)
    me = (await client.get("/console/v1/me", headers=officer_headers)).json()
    event = await ApplicationEvent.filter(application_id=application_id, to_state="documents_ready").first()
    assert event.actor == f"officer:{me['officer']['id']}"


async def test_create_records_officer(client, created, officer_headers):
    me = (await client.get("/console/v1/me", headers=officer_headers)).json()
    event = await ApplicationEvent.filter(application_id=created["application"]["id"], to_state="draft").first()
    assert event.actor == f"officer:{me['officer']['id']}"


async def test_download_document_pdf(client, created, officer_headers):
    application_id = created["application"]["id"]
    await client.post(f"/console/v1/applications/{application_id}/documents", headers=officer_headers)
    response = await client.get(f"/console/v1/applications/{application_id}/documents/mortgage_contract/pdf",
                                headers=officer_headers)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


async def test_download_missing_document_not_found(client, created, officer_headers):
    application_id = created["application"]["id"]
    response = await client.get(f"/console/v1/applications/{application_id}/documents/proof/pdf",
                                headers=officer_headers)
    assert response.status_code == 404


async def test_seal_by_supervisor(client, created, officer_headers, supervisor_headers):
    application_id = created["application"]["id"]
    await client.post(f"/console/v1/applications/{application_id}/documents", headers=officer_headers)
    response = await client.post(f"/console/v1/applications/{application_id}/seal", headers=supervisor_headers)
    assert response.status_code == 201
    assert [signer["signed"] for signer in response.json()["signers"] if signer["role"] == "mortgagee"] == [True]


async def test_withdraw_draft(client, created, officer_headers):
    application_id = created["application"]["id"]
    response = await client.post(f"/console/v1/applications/{application_id}/withdraw", headers=officer_headers,
                                 json={"reason": "借款人放弃贷款"})
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"


async def test_disburse_before_proof_rejected(client, created, supervisor_headers):
    application_id = created["application"]["id"]
    response = await client.post(f"/console/v1/applications/{application_id}/disburse", headers=supervisor_headers)
    assert response.status_code == 409
    assert response.json()["code"] == "NOT_DISBURSABLE"


async def test_detail_has_timeline_and_signers(client, created, officer_headers):
    application_id = created["application"]["id"]
    detail = (await client.get(f"/console/v1/applications/{application_id}", headers=officer_headers)).json()
    assert [event["state"] for event in detail["timeline"]] == ["draft"]
    assert {signer["role"] for signer in detail["signers"]} == {"mortgagor", "mortgagee"}
    assert detail["borrower_name"] == created["borrower"].actor.person.name


async def test_detail_other_bank_not_found(client, created, make_officer, session_of):
    other = await session_of(await make_officer(bank=1))
    response = await client.get(f"/console/v1/applications/{created['application']['id']}", headers=other)
    assert response.status_code == 404


async def test_detail_invalid_id_names_field(client, officer_headers):
    response = await client.get("/console/v1/applications/not-a-uuid", headers=officer_headers)
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "application_id"


async def test_submit_then_disburse(client, prepare, make_officer, session_of):
    prepared = await prepare("clean_single_owner")
    bank, application, _ = prepared.drafts[0]
    officer = await make_officer(role="supervisor")
    headers = await session_of(officer)
    response = await client.post(f"/console/v1/applications/{application['id']}/submit", headers=headers)
    assert response.status_code == 202
    final = await wait_as_bank(bank, application["id"], timeout=TIMEOUT_SECONDS)
    assert final["state"] == "archived"
    response = await client.post(f"/console/v1/applications/{application['id']}/disburse", headers=headers)
    assert response.status_code == 200
    assert response.json()["state"] == "loan_disbursed"
    assert response.json()["timeline"][-1]["actor"] == f"officer:{officer.id}"
    assert "proof" in {item["kind"] for item in response.json()["documents"]}
    proof = await client.get(f"/console/v1/applications/{application['id']}/documents/proof/pdf", headers=headers)
    assert proof.content.startswith(b"%PDF")


# --- list: search, filter, paging ---------------------------------------------------------------

async def list_ids(client, headers, **params) -> list[str]:
    response = await client.get("/console/v1/applications", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_list_search_application_no(client, created, officer_headers):
    application = created["application"]
    ids = await list_ids(client, officer_headers, q=application["application_no"])
    assert ids == [application["id"]]


async def test_list_search_unit_no(client, created, officer_headers):
    application = created["application"]
    assert application["id"] in await list_ids(client, officer_headers, q=application["unit_no"])


async def test_list_search_borrower_name(client, created, officer_headers):
    name = created["borrower"].actor.person.name
    assert created["application"]["id"] in await list_ids(client, officer_headers, q=name)


async def test_list_search_no_match(client, created, officer_headers):
    assert await list_ids(client, officer_headers, q="不存在的借款人姓名") == []


async def test_list_filter_state(client, created, officer_headers):
    application_id = created["application"]["id"]
    assert application_id in await list_ids(client, officer_headers, state="draft", page_size=100)
    assert application_id not in await list_ids(client, officer_headers, state="archived", page_size=100)


async def test_list_filter_date(client, created, officer_headers):
    application_id = created["application"]["id"]
    today = date.today()
    around = {"date_from": (today - timedelta(days=1)).isoformat(), "date_to": (today + timedelta(days=1)).isoformat()}
    later = {"date_from": (today + timedelta(days=2)).isoformat()}
    assert application_id in await list_ids(client, officer_headers, page_size=100, **around)
    assert await list_ids(client, officer_headers, **later) == []


async def test_list_paging(client, created, consenting_borrower, officer_headers):
    borrower = await consenting_borrower()
    await client.post("/console/v1/applications", headers=officer_headers,
                      json=loan_data(borrower.consent_id, borrower.unit_no, contract="JK-2026-CONSOLE2"))
    first = (await client.get("/console/v1/applications", headers=officer_headers,
                              params={"page": 1, "page_size": 1})).json()
    second = (await client.get("/console/v1/applications", headers=officer_headers,
                               params={"page": 2, "page_size": 1})).json()
    assert len(first["items"]) == 1
    assert first["total"] >= 2
    assert first["items"][0]["id"] != second["items"][0]["id"]


async def test_list_newest_first(client, created, officer_headers):
    items = (await client.get("/console/v1/applications", headers=officer_headers)).json()["items"]
    created_times = [item["created_at"] for item in items]
    assert created_times == sorted(created_times, reverse=True)


async def test_list_leaves_out_other_bank(client, created, make_officer, session_of):
    other = await session_of(await make_officer(bank=1))
    assert created["application"]["id"] not in await list_ids(client, other, page_size=100)


@pytest.mark.parametrize(("params", "field"), [
    ({"state": "flying"}, "state"),
    ({"date_from": "2026-13-01"}, "date_from"),
    ({"date_from": "yesterday"}, "date_from"),
    ({"date_from": "2026-12-02", "date_to": "2026-12-01"}, "date_to"),
    ({"page_size": "101"}, "page_size"),
    ({"page": "0"}, "page_size"),
    ({"page": "x"}, "page"),
    ({"q": "长" * 65}, "q"),
])
async def test_list_invalid_filter_names_field(client, officer_headers, params, field):
    response = await client.get("/console/v1/applications", headers=officer_headers, params=params)
    assert response.status_code == 422
    assert response.json()["context"]["field"] == field


# --- statistics ---------------------------------------------------------------------------------

async def test_statistics_counts_submitted_today(client, prepare, make_officer, session_of):
    prepared = await prepare("clean_single_owner")
    _, application, _ = prepared.drafts[0]
    headers = await session_of(await make_officer())
    await client.post(f"/console/v1/applications/{application['id']}/submit", headers=headers)
    today = date.today()
    body = (await client.get("/console/v1/statistics", headers=headers, params={
        "from": (today - timedelta(days=6)).isoformat(), "to": (today + timedelta(days=1)).isoformat()})).json()
    assert len(body["volume"]) == 8
    assert sum(day["submitted"] for day in body["volume"]) >= 1
    assert body["institution_id"] == prepared.drafts[0][0].institution_id


async def test_statistics_leaves_out_drafts(client, consenting_borrower, officer_headers):
    borrower = await consenting_borrower()
    before = (await client.get("/console/v1/statistics", headers=officer_headers)).json()["outcomes"]["submitted"]
    await client.post("/console/v1/applications", headers=officer_headers,
                      json=loan_data(borrower.consent_id, borrower.unit_no, contract="JK-2026-CONSOLE3"))
    after = (await client.get("/console/v1/statistics", headers=officer_headers)).json()["outcomes"]["submitted"]
    assert after == before


async def test_statistics_other_bank_not_counted(client, prepare, make_officer, session_of):
    prepared = await prepare("clean_single_owner")
    _, application, _ = prepared.drafts[0]
    own = await session_of(await make_officer(bank=0))
    other = await session_of(await make_officer(bank=1))
    before = (await client.get("/console/v1/statistics", headers=other)).json()["outcomes"]["submitted"]
    await client.post(f"/console/v1/applications/{application['id']}/submit", headers=own)
    after = (await client.get("/console/v1/statistics", headers=other)).json()["outcomes"]["submitted"]
    assert after == before


async def test_statistics_reversed_dates_rejected(client, officer_headers):
    response = await client.get("/console/v1/statistics", headers=officer_headers,
                                params={"from": "2026-12-02", "to": "2026-12-01"})
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "from"
