"""Console routes need the same officer roles as the signed bank API: read_only < loan_officer < supervisor."""

import uuid

import pytest
from console_support import PASSWORD

ROLES = ["read_only", "loan_officer", "supervisor"]
RANK = {role: index for index, role in enumerate(ROLES)}
SOME_ID = str(uuid.uuid4())

# (method, path, lowest role). An allowed call may still fail for another reason (unknown id, empty body).
ROUTES = [
    ("GET", "/console/v1/consents", "loan_officer"),
    ("POST", "/console/v1/property-queries", "loan_officer"),
    ("GET", "/console/v1/applications", "read_only"),
    ("POST", "/console/v1/applications", "loan_officer"),
    ("GET", f"/console/v1/applications/{SOME_ID}", "read_only"),
    ("POST", f"/console/v1/applications/{SOME_ID}/documents", "loan_officer"),
    ("POST", f"/console/v1/applications/{SOME_ID}/seal", "supervisor"),
    ("POST", f"/console/v1/applications/{SOME_ID}/submit", "loan_officer"),
    ("POST", f"/console/v1/applications/{SOME_ID}/withdraw", "loan_officer"),
    ("POST", f"/console/v1/applications/{SOME_ID}/disburse", "supervisor"),
    ("GET", f"/console/v1/applications/{SOME_ID}/documents/proof/pdf", "read_only"),
    ("POST", "/console/v1/valuations", "loan_officer"),
    ("GET", f"/console/v1/valuations/{SOME_ID}", "read_only"),
    ("GET", f"/console/v1/valuations/{SOME_ID}/report/pdf", "read_only"),
    ("GET", "/console/v1/statistics", "read_only"),
]


@pytest.fixture(scope="module")
def role_sessions() -> dict:
    """Authorization headers by role, filled on first use and shared by the module's tests."""
    return {}


async def headers_for(role: str, role_sessions: dict, make_officer, session_of) -> dict:
    if role not in role_sessions:
        role_sessions[role] = await session_of(await make_officer(role=role))
    return role_sessions[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "lowest"), ROUTES)
async def test_console_route_role(client, make_officer, session_of, role_sessions, role, method, path, lowest):
    headers = await headers_for(role, role_sessions, make_officer, session_of)
    response = await client.request(method, path, headers=headers, json={} if method == "POST" else None)
    forbidden = response.status_code == 403 and response.json()["code"] == "OFFICER_ROLE_FORBIDDEN"
    assert forbidden == (RANK[role] < RANK[lowest])


@pytest.mark.parametrize(("method", "path", "lowest"), ROUTES)
async def test_console_route_needs_session(client, method, path, lowest):
    response = await client.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == 401


@pytest.mark.parametrize("role", ROLES)
async def test_console_logout_any_role(client, make_officer, session_of, role):
    response = await client.post("/console/v1/logout", headers=await session_of(await make_officer(role=role)))
    assert response.status_code == 200


async def test_console_password_change_read_only(client, make_officer, session_of):
    headers = await session_of(await make_officer(role="read_only"))
    response = await client.post("/console/v1/password", headers=headers,
                                 json={"current_password": PASSWORD, "new_password": "Lesen2026nur"})
    assert response.status_code == 200


async def test_console_forbidden_names_roles(client, make_officer, session_of):
    headers = await session_of(await make_officer(role="loan_officer"))
    response = await client.post(f"/console/v1/applications/{SOME_ID}/seal", headers=headers)
    assert response.json()["context"]["required_role"] == "supervisor"
    assert response.json()["context"]["officer_role"] == "loan_officer"
