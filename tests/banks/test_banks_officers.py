"""Officer management through the signed bank API, the Python client and the `officer` commands."""

import pytest

from mortgage_cloud.banks.client import BankApiError
from mortgage_cloud.banks.models import Officer, OfficerRole, OfficerStatus
from mortgage_cloud.banks.service import create_officer
from mortgage_cloud.settings import Settings

from test_banks_service import _cli


@pytest.fixture
async def supervisor(bank):
    return await create_officer(institution_id=bank.institution_id, name="赵主管", role=OfficerRole.SUPERVISOR)


async def test_officer_create_returns_masked_phone(server_url, bank):
    async with bank.client(server_url) as client:
        created = await client.create_officer(name="李客户经理", phone="138-0013-8000")
    assert created["phone"] == "138****8000"


async def test_officer_create_defaults_to_loan_officer(server_url, bank):
    async with bank.client(server_url) as client:
        created = await client.create_officer(name="李客户经理")
    assert (created["role"], created["status"]) == ("loan_officer", "active")


async def test_officer_create_phone_encrypted(server_url, bank):
    async with bank.client(server_url) as client:
        created = await client.create_officer(name="李客户经理", phone="13800138000")
    stored = await Officer.get(id=created["id"])
    assert "13800138000" not in stored.phone_enc


async def test_officer_create_invalid_phone(server_url, bank):
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.create_officer(name="李客户经理", phone="12345")
    assert raised.value.context == {"field": "phone"}


async def test_officer_create_invalid_role(server_url, bank):
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.create_officer(name="李客户经理", role="admin")
    assert (raised.value.status, raised.value.context) == (422, {"field": "role"})


async def test_officer_create_by_supervisor(server_url, bank, supervisor):
    async with bank.client(server_url, officer_id=str(supervisor.id)) as client:
        created = await client.create_officer(name="钱只读", role="read_only")
    assert created["role"] == "read_only"


async def test_officer_list_paged(server_url, onboard):
    bank = await onboard()
    for number in range(3):
        await create_officer(institution_id=bank.institution_id, name=f"经办{number}")
    async with bank.client(server_url) as client:
        page = await client.list_officers(page=2, page_size=2)
    assert (page["total"], len(page["items"]), page["page"]) == (3, 1, 2)


async def test_officer_list_oldest_first(server_url, onboard):
    bank = await onboard()
    for number in range(3):
        await create_officer(institution_id=bank.institution_id, name=f"经办{number}")
    async with bank.client(server_url) as client:
        page = await client.list_officers()
    assert [item["name"] for item in page["items"]] == ["经办0", "经办1", "经办2"]


async def test_officer_list_filters_status(server_url, onboard):
    bank = await onboard()
    active_officer = await create_officer(institution_id=bank.institution_id, name="在职")
    disabled_officer = await create_officer(institution_id=bank.institution_id, name="离职")
    async with bank.client(server_url) as client:
        await client.disable_officer(str(disabled_officer.id))
        page = await client.list_officers(status="active")
    assert [item["id"] for item in page["items"]] == [str(active_officer.id)]


async def test_officer_list_only_own_institution(server_url, bank, onboard):
    other = await onboard()
    await create_officer(institution_id=other.institution_id, name="他行经办")
    async with bank.client(server_url) as client:
        page = await client.list_officers(page_size=100)
    assert all(item["institution_id"] == bank.institution_id for item in page["items"])


async def test_officer_list_page_size_limit(server_url, bank):
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.list_officers(page_size=101)
    assert raised.value.status == 422


async def test_officer_get(server_url, bank, supervisor):
    async with bank.client(server_url) as client:
        fetched = await client.get_officer(str(supervisor.id))
    assert fetched["name"] == "赵主管"


async def test_officer_get_other_institution_404(server_url, bank, onboard):
    other = await onboard()
    officer = await create_officer(institution_id=other.institution_id, name="他行经办")
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.get_officer(str(officer.id))
    assert (raised.value.status, raised.value.code) == (404, "OFFICER_NOT_FOUND")


async def test_officer_get_malformed_id(server_url, bank):
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.get_officer("not-a-uuid")
    assert raised.value.context == {"field": "officer_id"}


async def test_officer_role_change_takes_effect(server_url, bank):
    officer = await create_officer(institution_id=bank.institution_id, name="孙经办", role=OfficerRole.READ_ONLY)
    async with bank.client(server_url) as client:
        changed = await client.change_officer_role(str(officer.id), "supervisor")
    async with bank.client(server_url, officer_id=str(officer.id)) as client:
        listed = await client.list_officers()
    assert changed["role"] == "supervisor"
    assert listed["total"] >= 1


async def test_officer_cannot_change_own_role(server_url, bank, supervisor):
    async with bank.client(server_url, officer_id=str(supervisor.id)) as client:
        with pytest.raises(BankApiError) as raised:
            await client.change_officer_role(str(supervisor.id), "read_only")
    assert (raised.value.status, raised.value.code) == (409, "OFFICER_SELF_CHANGE")


async def test_officer_disable_keeps_record(server_url, bank):
    officer = await create_officer(institution_id=bank.institution_id, name="周经办")
    async with bank.client(server_url) as client:
        disabled = await client.disable_officer(str(officer.id))
    stored = await Officer.get(id=officer.id)
    assert disabled["status"] == "disabled"
    assert disabled["disabled_at"] is not None
    assert stored.status == OfficerStatus.DISABLED


async def test_officer_disabled_then_enabled(server_url, bank):
    officer = await create_officer(institution_id=bank.institution_id, name="吴经办")
    async with bank.client(server_url) as client:
        await client.disable_officer(str(officer.id))
    async with bank.client(server_url, officer_id=str(officer.id)) as client:
        with pytest.raises(BankApiError) as raised:
            await client.get("/bank/v1/institution")
    async with bank.client(server_url) as client:
        await client.enable_officer(str(officer.id))
    async with bank.client(server_url, officer_id=str(officer.id)) as client:
        profile = await client.get("/bank/v1/institution")
    assert raised.value.code == "OFFICER_DISABLED"
    assert profile["id"] == bank.institution_id


async def test_officer_cannot_disable_self(server_url, bank, supervisor):
    async with bank.client(server_url, officer_id=str(supervisor.id)) as client:
        with pytest.raises(BankApiError) as raised:
            await client.disable_officer(str(supervisor.id))
    assert raised.value.code == "OFFICER_SELF_CHANGE"


async def test_officer_loan_officer_cannot_disable(server_url, bank):
    loan_officer = await create_officer(institution_id=bank.institution_id, name="郑经办")
    target = await create_officer(institution_id=bank.institution_id, name="王经办")
    async with bank.client(server_url, officer_id=str(loan_officer.id)) as client:
        with pytest.raises(BankApiError) as raised:
            await client.disable_officer(str(target.id))
    assert raised.value.code == "OFFICER_ROLE_FORBIDDEN"


async def test_officer_cli_create_list_disable(runtime, settings: Settings, bank) -> None:
    created = _cli(settings, "officer", "create", "--institution-id", bank.institution_id, "--name", "冯命令行",
                   "--role", "supervisor", "--phone", "13900139000")
    assert created.returncode == 0, created.stderr
    officer_id = dict(line.split(": ", 1) for line in created.stdout.splitlines())["id"]

    listed = _cli(settings, "officer", "list", "--institution-id", bank.institution_id)
    set_role = _cli(settings, "officer", "set-role", "--id", officer_id, "--role", "read_only")
    disabled = _cli(settings, "officer", "disable", "--id", officer_id)
    officer = await Officer.get(id=officer_id)
    assert "139****9000" in listed.stdout
    assert "13900139000" not in listed.stdout
    assert set_role.returncode == 0, set_role.stderr
    assert disabled.returncode == 0, disabled.stderr
    assert (officer.role, officer.status) == (OfficerRole.READ_ONLY, OfficerStatus.DISABLED)


def test_officer_cli_unknown_id(settings: Settings) -> None:
    result = _cli(settings, "officer", "get", "--id", "00000000-0000-4000-8000-000000000001")
    assert result.returncode == 2
    assert "OFFICER_NOT_FOUND" in result.stderr
