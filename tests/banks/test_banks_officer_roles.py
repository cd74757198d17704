"""Officer roles on every bank route, over real HTTP: the role ladder, the system account, bad officer headers."""

import uuid

import pytest

from mortgage_cloud.banks.client import BankApiError
from mortgage_cloud.banks.models import OfficerRole, OfficerStatus
from mortgage_cloud.banks.officer_auth import required_role
from mortgage_cloud.banks.officers import set_officer_status
from mortgage_cloud.banks.service import create_officer

UNKNOWN_ID = "00000000-0000-4000-8000-000000000001"

# (method, path, lowest role allowed). Unknown ids are enough: the role check runs before the handler.
ROUTE_ROLES = [
    ("GET", "/bank/v1/institution", OfficerRole.READ_ONLY),
    ("GET", "/bank/v1/applications", OfficerRole.READ_ONLY),
    ("GET", f"/bank/v1/applications/{UNKNOWN_ID}", OfficerRole.READ_ONLY),
    ("GET", f"/bank/v1/applications/{UNKNOWN_ID}/documents/contract/pdf", OfficerRole.READ_ONLY),
    ("GET", f"/bank/v1/valuations/{UNKNOWN_ID}", OfficerRole.READ_ONLY),
    ("GET", "/bank/v1/webhooks/events", OfficerRole.READ_ONLY),
    ("GET", "/bank/v1/certificates", OfficerRole.READ_ONLY),
    ("POST", "/bank/v1/property-queries", OfficerRole.LOAN_OFFICER),
    ("POST", "/bank/v1/applications", OfficerRole.LOAN_OFFICER),
    ("POST", f"/bank/v1/applications/{UNKNOWN_ID}/documents", OfficerRole.LOAN_OFFICER),
    ("POST", f"/bank/v1/applications/{UNKNOWN_ID}/submit", OfficerRole.LOAN_OFFICER),
    ("POST", f"/bank/v1/applications/{UNKNOWN_ID}/withdraw", OfficerRole.LOAN_OFFICER),
    ("POST", "/bank/v1/valuations", OfficerRole.LOAN_OFFICER),
    ("POST", f"/bank/v1/webhooks/events/{UNKNOWN_ID}/redeliver", OfficerRole.LOAN_OFFICER),
    ("POST", f"/bank/v1/applications/{UNKNOWN_ID}/seal", OfficerRole.SUPERVISOR),
    ("POST", f"/bank/v1/applications/{UNKNOWN_ID}/disburse", OfficerRole.SUPERVISOR),
    ("POST", "/bank/v1/cancellations", OfficerRole.SUPERVISOR),
    ("GET", "/bank/v1/officers", OfficerRole.SUPERVISOR),
    ("POST", "/bank/v1/officers", OfficerRole.SUPERVISOR),
    ("POST", "/bank/v1/certificates", OfficerRole.SUPERVISOR),
    ("POST", "/bank/v1/certificates/00ff/revoke", OfficerRole.SUPERVISOR),
]
RANK = {OfficerRole.READ_ONLY: 0, OfficerRole.LOAN_OFFICER: 1, OfficerRole.SUPERVISOR: 2}


async def send(client, method: str, path: str) -> str:
    """Send the request and return the error code, or "OK" for a success."""
    try:
        await client.send(method, path, json_body={} if method == "POST" else None)
    except BankApiError as error:
        return error.code
    return "OK"


@pytest.mark.parametrize(("method", "path", "lowest"), ROUTE_ROLES, ids=[f"{m} {p}" for m, p, _ in ROUTE_ROLES])
@pytest.mark.parametrize("role", list(OfficerRole))
async def test_route_role_gate(server_url, bank, method: str, path: str, lowest: OfficerRole, role: OfficerRole):
    officer = await create_officer(institution_id=bank.institution_id, name="角色测试", role=role)
    async with bank.client(server_url, officer_id=str(officer.id)) as client:
        code = await send(client, method, path)
    if RANK[role] >= RANK[lowest]:
        assert code != "OFFICER_ROLE_FORBIDDEN"
    else:
        assert code == "OFFICER_ROLE_FORBIDDEN"


@pytest.mark.parametrize(("method", "path", "lowest"), ROUTE_ROLES, ids=[f"{m} {p}" for m, p, _ in ROUTE_ROLES])
async def test_system_account_passes_every_gate(server_url, bank, method: str, path: str, lowest: OfficerRole):
    async with bank.client(server_url) as client:
        code = await send(client, method, path)
    assert code != "OFFICER_ROLE_FORBIDDEN"


async def test_role_rejection_names_roles(server_url, bank):
    officer = await create_officer(institution_id=bank.institution_id, name="只读员", role=OfficerRole.READ_ONLY)
    async with bank.client(server_url, officer_id=str(officer.id)) as client:
        with pytest.raises(BankApiError) as raised:
            await client.post(f"/bank/v1/applications/{UNKNOWN_ID}/seal")
    assert raised.value.status == 403
    assert raised.value.context == {"required_role": "supervisor", "officer_role": "read_only"}


async def test_role_rejection_not_replayed(server_url, bank):
    read_only = await create_officer(institution_id=bank.institution_id, name="只读员", role=OfficerRole.READ_ONLY)
    async with bank.client(server_url, officer_id=str(read_only.id)) as client:
        with pytest.raises(BankApiError):
            await client.post("/bank/v1/officers", {"name": "新人"}, idempotency_key="role-retry-1")
    async with bank.client(server_url) as client:
        created = await client.post("/bank/v1/officers", {"name": "新人"}, idempotency_key="role-retry-1")
    assert created["name"] == "新人"


async def test_disabled_officer_rejected(server_url, bank):
    officer = await create_officer(institution_id=bank.institution_id, name="停用员")
    await set_officer_status(officer=officer, status=OfficerStatus.DISABLED)
    async with bank.client(server_url, officer_id=str(officer.id)) as client:
        code = await send(client, "GET", "/bank/v1/institution")
    assert code == "OFFICER_DISABLED"


async def test_unknown_officer_rejected(server_url, bank):
    async with bank.client(server_url, officer_id=str(uuid.uuid4())) as client:
        code = await send(client, "GET", "/bank/v1/institution")
    assert code == "OFFICER_NOT_FOUND"


async def test_malformed_officer_id_rejected(server_url, bank):
    async with bank.client(server_url, officer_id="officer-7") as client:
        code = await send(client, "GET", "/bank/v1/institution")
    assert code == "OFFICER_ID_INVALID"


async def test_other_institution_officer_rejected(server_url, bank, onboard):
    other = await onboard()
    officer = await create_officer(institution_id=other.institution_id, name="他行经办")
    async with bank.client(server_url, officer_id=str(officer.id)) as client:
        code = await send(client, "GET", "/bank/v1/institution")
    assert code == "OFFICER_OF_OTHER_INSTITUTION"


def test_required_role_undeclared_post_needs_supervisor():
    assert required_role(None, "POST") == OfficerRole.SUPERVISOR


def test_required_role_undeclared_get_open():
    assert required_role(None, "GET") == OfficerRole.READ_ONLY


def test_required_role_read_only_post_raised():
    assert required_role(OfficerRole.READ_ONLY, "POST") == OfficerRole.LOAN_OFFICER


async def test_openapi_documents_route_roles(client):
    spec = (await client.get("/bank/v1/openapi.json")).json()
    roles = {f"{method.upper()} {path}": operation.get("x-officer-role")
             for path, methods in spec["paths"].items() for method, operation in methods.items()}
    assert roles["POST /bank/v1/applications/{application_id}/seal"] == "supervisor"
    assert roles["POST /bank/v1/applications"] == "loan_officer"
    assert roles["GET /bank/v1/applications"] == "read_only"


async def test_openapi_describes_system_account(client):
    spec = (await client.get("/bank/v1/openapi.json")).json()
    assert "系统账户" in spec["info"]["description"]
