"""The agreement preview: the borrower reads the exact text before granting, and the grant records that text."""

import hashlib

from mortgage_cloud.demo.actors import BorrowerActor
from mortgage_cloud.demo.cases import owners_of


async def _verified_borrower(demo_context, unit_pool) -> BorrowerActor:
    person = (await owners_of(unit_pool["clean_single_owner"].pop(0)))[0]
    actor = BorrowerActor(person, app_url=demo_context.app_url, wechat_url=demo_context.wechat_url)
    await actor.log_in()
    await actor.verify_identity()
    return actor


async def test_agreement_preview_matches_granted_text(demo_context, unit_pool, flow_banks):
    actor = await _verified_borrower(demo_context, unit_pool)
    params = {"institution_id": flow_banks[0].institution_id, "valid_days": "30"}

    preview = (await actor.call("preview", "GET", "/api/v1/consents/agreement", params=params)).json()
    granted = (await actor.call("grant", "POST", "/api/v1/consents", json={
        "institution_id": flow_banks[0].institution_id, "valid_days": 30})).json()
    await actor.aclose()

    assert preview["agreement_text"] == granted["agreement_text"]
    assert preview["agreement_sha256"] == granted["agreement_sha256"]
    assert preview["agreement_sha256"] == hashlib.sha256(preview["agreement_text"].encode()).hexdigest()
    assert flow_banks[0].name in preview["agreement_text"]


async def test_agreement_preview_grants_nothing(demo_context, unit_pool, flow_banks):
    actor = await _verified_borrower(demo_context, unit_pool)

    await actor.call("preview", "GET", "/api/v1/consents/agreement",
                     params={"institution_id": flow_banks[1].institution_id})
    consents = (await actor.call("list", "GET", "/api/v1/consents")).json()
    await actor.aclose()

    assert consents["items"] == []


async def test_agreement_preview_invalid_fields_rejected(demo_context, unit_pool, flow_banks):
    actor = await _verified_borrower(demo_context, unit_pool)
    cases = [
        ({"institution_id": flow_banks[0].institution_id, "valid_days": "abc"}, "valid_days"),
        ({"institution_id": flow_banks[0].institution_id, "valid_days": "365"}, "valid_days"),
        ({"institution_id": "not-a-uuid"}, "institution_id"),
    ]
    fields = []
    for params, _ in cases:
        response = await actor.http.get("/api/v1/consents/agreement", params=params)
        fields.append((response.status_code, response.json().get("context", {}).get("field")))
    await actor.aclose()

    for (status, field), (_, expected_field) in zip(fields, cases):
        assert status == 422
        assert field == expected_field


async def test_agreement_preview_needs_login(server_url, flow_banks):
    import httpx

    async with httpx.AsyncClient(base_url=server_url) as http:
        response = await http.get("/api/v1/consents/agreement", params={"institution_id": flow_banks[0].institution_id})

    assert response.status_code == 401
