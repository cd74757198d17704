"""Onboarding institutions through the staff API: admins only, with the same checks as the CLI."""

import secrets

from mortgage_cloud.banks.models import Institution
from mortgage_cloud.review.models import StaffRole

from factories import random_uscc
from test_staff_roles import logged_in


def _institution(**overrides) -> dict:
    return {"name": f"长沙接入测试银行{secrets.token_hex(2)}", "uscc": random_uscc(), "kind": "bank", **overrides}


async def test_admin_onboards_institution(client, runtime):
    _, headers = await logged_in(client, StaffRole.ADMIN)
    body = _institution()
    response = await client.post("/api/v1/staff/institutions", json=body, headers=headers)
    assert response.status_code == 201
    assert await Institution.filter(uscc=body["uscc"]).exists()


async def test_admin_onboarding_returns_key_once(client, runtime):
    _, headers = await logged_in(client, StaffRole.ADMIN)
    answer = (await client.post("/api/v1/staff/institutions", json=_institution(), headers=headers)).json()
    assert answer["private_key_pem"].startswith("-----BEGIN PRIVATE KEY-----")
    assert answer["serial_no"] == answer["institution"]["certificates"][0]["serial_no"]


async def test_admin_onboarding_invalid_uscc_names_field(client, runtime):
    _, headers = await logged_in(client, StaffRole.ADMIN)
    response = await client.post("/api/v1/staff/institutions", json=_institution(uscc="123"), headers=headers)
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "uscc"


async def test_admin_onboarding_csr_must_be_text(client, runtime):
    _, headers = await logged_in(client, StaffRole.ADMIN)
    response = await client.post("/api/v1/staff/institutions", json=_institution(csr_pem=42), headers=headers)
    assert response.json()["context"]["field"] == "csr_pem"


async def test_admin_suspends_institution(client, runtime):
    _, headers = await logged_in(client, StaffRole.ADMIN)
    created = (await client.post("/api/v1/staff/institutions", json=_institution(), headers=headers)).json()
    institution_id = created["institution"]["id"]
    response = await client.post(f"/api/v1/staff/institutions/{institution_id}/status", json={"status": "suspended"},
                                 headers=headers)
    assert response.json()["status"] == "suspended"


async def test_reviewer_cannot_onboard(client, runtime):
    _, headers = await logged_in(client, StaffRole.REVIEWER)
    response = await client.post("/api/v1/staff/institutions", json=_institution(), headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "STAFF_ROLE_FORBIDDEN"


async def test_institution_list_needs_login(client, runtime):
    response = await client.get("/api/v1/staff/institutions")
    assert response.status_code == 401
