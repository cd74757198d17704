"""Console login by phone number: the officer is found by the keyed search hash, within one institution only."""

import pytest
from console_support import PASSWORD, log_in, new_phone, run_cli

from mortgage_cloud.banks.client import BankApiError
from mortgage_cloud.banks.models import Officer
from mortgage_cloud.infra import pii

OTHER_PASSWORD = "Bieren2026mima"


async def test_officer_phone_hash_stored(make_officer):
    officer = await make_officer()
    stored = await Officer.get(id=officer.id)
    assert stored.phone_hash == pii.search_hash(officer.phone)


async def test_officer_phone_hash_hides_number(make_officer):
    officer = await make_officer()
    stored = await Officer.get(id=officer.id)
    assert officer.phone not in stored.phone_hash


async def test_phone_login_finds_officer_by_hash(client, make_officer):
    officer = await make_officer()
    # With the ciphertext gone, only the search hash can still match the typed number.
    await Officer.filter(id=officer.id).update(phone_enc=None)
    response = await log_in(client, officer)
    assert response.status_code == 200, response.text
    assert response.json()["officer"]["id"] == officer.id


async def test_phone_login_other_institution_rejected(client, make_officer):
    foreign = await make_officer(bank=1)
    local = await make_officer(bank=0)
    response = await client.post("/console/v1/login", json={"uscc": local.uscc, "login": foreign.phone,
                                                             "password": PASSWORD})
    assert response.status_code == 401
    assert response.json()["code"] == "CONSOLE_LOGIN_FAILED"


async def test_shared_phone_stays_in_institution(client, make_officer):
    phone = new_phone()
    local = await make_officer(bank=0, phone=phone)
    foreign = await make_officer(bank=1, phone=phone, password=OTHER_PASSWORD)
    # The other institution's officer's password must not open the local officer's account.
    response = await log_in(client, local, password=OTHER_PASSWORD)
    assert response.status_code == 401
    response = await log_in(client, foreign)
    assert response.json()["officer"]["id"] == foreign.id


async def test_phone_change_moves_login(client, make_officer):
    officer = await make_officer()
    new_number = new_phone()
    await officer.bank.client.change_officer_phone(officer.id, new_number)
    response = await log_in(client, officer, login=new_number)
    assert response.status_code == 200, response.text
    assert response.json()["officer"]["id"] == officer.id


async def test_phone_change_old_number_rejected(client, make_officer):
    officer = await make_officer()
    await officer.bank.client.change_officer_phone(officer.id, new_phone())
    response = await log_in(client, officer)
    assert response.status_code == 401
    assert response.json()["code"] == "CONSOLE_LOGIN_FAILED"


async def test_phone_change_updates_hash(make_officer):
    officer = await make_officer()
    new_number = new_phone()
    await officer.bank.client.change_officer_phone(officer.id, new_number)
    stored = await Officer.get(id=officer.id)
    assert stored.phone_hash == pii.search_hash(new_number)


async def test_phone_clear_removes_hash(make_officer):
    officer = await make_officer()
    described = await officer.bank.client.change_officer_phone(officer.id, None)
    stored = await Officer.get(id=officer.id)
    assert stored.phone_hash is None
    assert described["phone"] is None


async def test_phone_change_ends_session(client, make_officer, session_of):
    officer = await make_officer()
    headers = await session_of(officer)
    await officer.bank.client.change_officer_phone(officer.id, new_phone())
    assert (await client.get("/console/v1/me", headers=headers)).status_code == 401


async def test_phone_change_rejects_invalid_number(make_officer):
    officer = await make_officer()
    with pytest.raises(BankApiError) as raised:
        await officer.bank.client.change_officer_phone(officer.id, "12345")
    assert raised.value.status == 422
    assert raised.value.context["field"] == "phone"


async def test_phone_change_keeps_number_on_error(make_officer):
    officer = await make_officer()
    with pytest.raises(BankApiError):
        await officer.bank.client.change_officer_phone(officer.id, "12345")
    stored = await Officer.get(id=officer.id)
    assert stored.phone_hash == pii.search_hash(officer.phone)


async def test_cli_set_phone_moves_login(client, settings, make_officer):
    officer = await make_officer()
    new_number = new_phone()
    result = run_cli(settings, "officer", "set-phone", "--id", officer.id, "--phone", new_number)
    assert result.returncode == 0, result.stderr
    assert new_number not in result.stdout
    assert (await log_in(client, officer, login=new_number)).status_code == 200
