"""Console login: password by phone or id, one-time codes, lockout, logout, and disabled officers."""

import pytest
from console_support import PASSWORD, bearer, log_in

from mortgage_cloud.banks.models import Officer
from mortgage_cloud.console.sessions import MAX_FAILURES
from mortgage_cloud.infra.runtime import runtime


async def test_login_by_phone_returns_token(client, make_officer):
    officer = await make_officer()
    response = await log_in(client, officer)
    assert response.status_code == 200
    assert response.json()["token"]
    assert response.json()["officer"]["id"] == officer.id


async def test_login_by_officer_id(client, make_officer):
    officer = await make_officer()
    response = await log_in(client, officer, login=officer.id)
    assert response.status_code == 200


async def test_login_returns_institution(client, make_officer):
    officer = await make_officer()
    body = (await log_in(client, officer)).json()
    assert body["institution"]["uscc"] == officer.uscc
    assert body["institution"]["name"] == officer.bank.name


async def test_login_masks_phone(client, make_officer):
    officer = await make_officer()
    body = (await log_in(client, officer)).json()
    assert officer.phone not in str(body)


async def test_login_wrong_password_rejected(client, make_officer):
    officer = await make_officer()
    response = await log_in(client, officer, password="Falsch123456")
    assert response.status_code == 401
    assert response.json()["code"] == "CONSOLE_LOGIN_FAILED"


async def test_login_unknown_phone_same_error(client, make_officer):
    officer = await make_officer()
    response = await log_in(client, officer, login="13000000000")
    assert response.status_code == 401
    assert response.json()["code"] == "CONSOLE_LOGIN_FAILED"


async def test_login_other_institution_officer_rejected(client, make_officer):
    officer = await make_officer(bank=1)
    other_bank = await make_officer(bank=0)
    response = await client.post("/console/v1/login", json={"uscc": other_bank.uscc, "login": officer.phone,
                                                             "password": PASSWORD})
    assert response.status_code == 401


async def test_login_without_password_set_rejected(client, make_officer):
    officer = await make_officer(password=None)
    response = await log_in(client, officer, password=PASSWORD)
    assert response.status_code == 401
    assert response.json()["code"] == "CONSOLE_LOGIN_FAILED"


async def test_login_missing_uscc_names_field(client):
    response = await client.post("/console/v1/login", json={"login": "13900000000", "password": PASSWORD})
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "uscc"


async def test_login_stores_only_token_hash(client, make_officer):
    officer = await make_officer()
    token = (await log_in(client, officer)).json()["token"]
    assert await runtime().cache.get(f"console-session:{token}") is None


async def test_lockout_after_repeated_failures(client, make_officer):
    officer = await make_officer()
    for _ in range(MAX_FAILURES):
        await log_in(client, officer, password="Falsch123456")
    response = await log_in(client, officer)
    assert response.status_code == 429
    assert response.json()["code"] == "CONSOLE_LOGIN_LOCKED"


async def test_lockout_covers_id_and_phone(client, make_officer):
    officer = await make_officer()
    for _ in range(MAX_FAILURES):
        await log_in(client, officer, password="Falsch123456")
    response = await log_in(client, officer, login=officer.id)
    assert response.status_code == 429


async def test_lockout_unknown_login(client, make_officer):
    officer = await make_officer()
    for _ in range(MAX_FAILURES):
        await log_in(client, officer, login="13000000001", password="Falsch123456")
    response = await log_in(client, officer, login="13000000001")
    assert response.status_code == 429


async def test_lockout_keeps_other_officer_open(client, make_officer):
    locked, other = await make_officer(), await make_officer()
    for _ in range(MAX_FAILURES):
        await log_in(client, locked, password="Falsch123456")
    response = await log_in(client, other)
    assert response.status_code == 200


async def test_lockout_success_gives_slot_back(client, make_officer):
    officer = await make_officer()
    for _ in range(MAX_FAILURES + 2):
        response = await log_in(client, officer)
        assert response.status_code == 200


async def test_me_returns_officer(client, make_officer, session_of):
    officer = await make_officer(role="supervisor")
    response = await client.get("/console/v1/me", headers=await session_of(officer))
    assert response.status_code == 200
    assert response.json()["officer"]["role"] == "supervisor"


async def test_me_without_token_rejected(client):
    response = await client.get("/console/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "CONSOLE_SESSION_REQUIRED"


async def test_me_unknown_token_rejected(client):
    response = await client.get("/console/v1/me", headers=bearer("not-a-session"))
    assert response.status_code == 401
    assert response.json()["code"] == "CONSOLE_SESSION_INVALID"


async def test_logout_ends_session(client, make_officer, session_of):
    headers = await session_of(await make_officer())
    response = await client.post("/console/v1/logout", headers=headers)
    assert response.status_code == 200
    assert (await client.get("/console/v1/me", headers=headers)).status_code == 401


async def test_disabled_officer_cannot_log_in(client, make_officer):
    officer = await make_officer()
    await officer.bank.client.disable_officer(officer.id)
    response = await log_in(client, officer)
    assert response.status_code == 403
    assert response.json()["code"] == "CONSOLE_OFFICER_DISABLED"


async def test_disabled_officer_loses_session(client, make_officer, session_of):
    officer = await make_officer()
    headers = await session_of(officer)
    await officer.bank.client.disable_officer(officer.id)
    response = await client.get("/console/v1/applications", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "CONSOLE_SESSION_INVALID"


async def test_reenabled_officer_session_stays_ended(client, make_officer, session_of):
    officer = await make_officer()
    headers = await session_of(officer)
    await officer.bank.client.disable_officer(officer.id)
    await officer.bank.client.enable_officer(officer.id)
    assert (await client.get("/console/v1/me", headers=headers)).status_code == 401
    assert (await log_in(client, officer)).status_code == 200


async def test_role_change_ends_session(client, make_officer, session_of):
    officer = await make_officer()
    headers = await session_of(officer)
    await officer.bank.client.change_officer_role(officer.id, "read_only")
    assert (await client.get("/console/v1/me", headers=headers)).status_code == 401


async def test_password_reset_ends_session(client, make_officer, session_of):
    officer = await make_officer()
    headers = await session_of(officer)
    await officer.bank.client.post(f"/bank/v1/officers/{officer.id}/console-password", {"password": "Neu2026passwort"})
    assert (await client.get("/console/v1/me", headers=headers)).status_code == 401
    assert (await log_in(client, officer, password="Neu2026passwort")).status_code == 200


async def test_first_login_with_code_sets_password(client, make_officer):
    officer = await make_officer(password=None)
    issued = await officer.bank.client.post(f"/bank/v1/officers/{officer.id}/console-password", {"one_time_code": True})
    response = await client.post("/console/v1/first-login", json={
        "uscc": officer.uscc, "login": officer.phone, "one_time_code": issued["one_time_code"],
        "new_password": "Erst2026mallogin"})
    assert response.status_code == 200
    assert (await log_in(client, officer, password="Erst2026mallogin")).status_code == 200


async def test_first_login_code_works_once(client, make_officer):
    officer = await make_officer(password=None)
    issued = await officer.bank.client.post(f"/bank/v1/officers/{officer.id}/console-password", {"one_time_code": True})
    form = {"uscc": officer.uscc, "login": officer.phone, "one_time_code": issued["one_time_code"],
            "new_password": "Erst2026mallogin"}
    await client.post("/console/v1/first-login", json=form)
    response = await client.post("/console/v1/first-login", json={**form, "new_password": "Zweit2026login"})
    assert response.status_code == 401
    assert response.json()["code"] == "CONSOLE_SETUP_CODE_INVALID"


async def test_first_login_wrong_code_rejected(client, make_officer):
    officer = await make_officer(password=None)
    await officer.bank.client.post(f"/bank/v1/officers/{officer.id}/console-password", {"one_time_code": True})
    response = await client.post("/console/v1/first-login", json={
        "uscc": officer.uscc, "login": officer.phone, "one_time_code": "AAAAAAAAAAAA", "new_password": "Erst2026login"})
    assert response.status_code == 401


async def test_first_login_weak_password_rejected(client, make_officer):
    officer = await make_officer(password=None)
    issued = await officer.bank.client.post(f"/bank/v1/officers/{officer.id}/console-password", {"one_time_code": True})
    response = await client.post("/console/v1/first-login", json={
        "uscc": officer.uscc, "login": officer.phone, "one_time_code": issued["one_time_code"], "new_password": "short"})
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "new_password"


async def test_setup_code_blocks_old_password(client, make_officer):
    officer = await make_officer()
    await officer.bank.client.post(f"/bank/v1/officers/{officer.id}/console-password", {"one_time_code": True})
    assert (await log_in(client, officer)).status_code == 401


async def test_setup_code_stored_hashed(make_officer):
    officer = await make_officer(password=None)
    issued = await officer.bank.client.post(f"/bank/v1/officers/{officer.id}/console-password", {"one_time_code": True})
    stored = (await Officer.get(id=officer.id)).console_password_hash
    assert issued["one_time_code"] not in stored


async def test_password_stored_hashed(make_officer):
    officer = await make_officer()
    stored = (await Officer.get(id=officer.id)).console_password_hash
    assert stored.startswith("scrypt$")
    assert PASSWORD not in stored


@pytest.mark.parametrize("password", ["short1", "nodigitsatallhere", "1234567890123"])
async def test_password_route_rejects_weak(make_officer, password):
    from mortgage_cloud.banks.client import BankApiError

    officer = await make_officer(password=None)
    with pytest.raises(BankApiError) as raised:
        await officer.bank.client.post(f"/bank/v1/officers/{officer.id}/console-password", {"password": password})
    assert raised.value.status == 422


async def test_password_route_needs_supervisor(make_officer):
    from mortgage_cloud.banks.client import BankApiError

    acting, target = await make_officer(role="loan_officer"), await make_officer()
    acting.bank.client.officer_id = acting.id
    try:
        with pytest.raises(BankApiError) as raised:
            await acting.bank.client.post(f"/bank/v1/officers/{target.id}/console-password", {"password": PASSWORD})
    finally:
        acting.bank.client.officer_id = None
    assert raised.value.code == "OFFICER_ROLE_FORBIDDEN"


async def test_change_own_password(client, make_officer, session_of):
    officer = await make_officer()
    headers = await session_of(officer)
    response = await client.post("/console/v1/password", headers=headers, json={
        "current_password": PASSWORD, "new_password": "Wechsel2026pw"})
    assert response.status_code == 200
    assert (await client.get("/console/v1/me", headers=headers)).status_code == 401
    assert (await client.get("/console/v1/me", headers=bearer(response.json()["token"]))).status_code == 200


async def test_change_password_wrong_current_rejected(client, make_officer, session_of):
    officer = await make_officer()
    response = await client.post("/console/v1/password", headers=await session_of(officer), json={
        "current_password": "Falsch123456", "new_password": "Wechsel2026pw"})
    assert response.status_code == 422
    assert response.json()["code"] == "CONSOLE_CURRENT_PASSWORD_WRONG"
