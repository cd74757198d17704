"""Opening, authenticating, binding and closing kiosk sessions, and the codes each rejection carries."""

import secrets
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from kiosk_support import KioskDevice, create_application

from mortgage_cloud.banks.client import BankApiError
from mortgage_cloud.identity.models import Borrower
from mortgage_cloud.infra import pii
from mortgage_cloud.kiosk.models import KioskSession


async def expire(session_id: str) -> None:
    """Stand in for the passing of time: move the session's expiry into the past."""
    await KioskSession.filter(id=session_id).update(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1))


async def test_open_session_returns_token_once(open_visit):
    visit = await open_visit()
    assert len(visit.session["token"]) >= 40


async def test_open_session_masks_id_number(open_visit):
    visit = await open_visit()
    masked = visit.session["borrower"]["id_number_masked"]
    assert masked == visit.person.id_number[:3] + "*" * 11 + visit.person.id_number[-4:]


async def test_open_session_creates_borrower_without_wechat(open_visit):
    visit = await open_visit()
    borrower = await Borrower.get(id=visit.session["borrower"]["id"])
    assert borrower.unionid is None
    assert borrower.id_hash == pii.search_hash(visit.person.id_number)


async def test_open_session_reuses_borrower_by_id_number(open_visit, flow_banks):
    visit = await open_visit()
    again = await flow_banks[0].client.open_kiosk_session(
        device_id="kiosk-again", borrower_name=visit.person.name, id_number=visit.person.id_number)
    assert again["borrower"]["id"] == visit.session["borrower"]["id"]


async def test_open_session_name_mismatch_rejected(open_visit, flow_banks):
    visit = await open_visit()
    with pytest.raises(BankApiError) as raised:
        await flow_banks[0].client.open_kiosk_session(
            device_id="kiosk-other", borrower_name="王冒名", id_number=visit.person.id_number)
    assert raised.value.code == "KIOSK_NAME_MISMATCH"


async def test_open_session_invalid_id_number_rejected(flow_banks):
    with pytest.raises(BankApiError) as raised:
        await flow_banks[0].client.open_kiosk_session(device_id="kiosk-1", borrower_name="张三",
                                                      id_number="430102199001011235")
    assert raised.value.context["field"] == "id_number"


@pytest.mark.parametrize("device_id", ["", "has space", "x" * 65, "设备一"])
async def test_open_session_invalid_device_id_rejected(flow_banks, device_id):
    with pytest.raises(BankApiError) as raised:
        await flow_banks[0].client.open_kiosk_session(device_id=device_id, borrower_name="张三",
                                                      id_number="430102199001011234")
    assert raised.value.context["field"] == "device_id"


async def test_open_session_retry_has_no_token(open_visit, flow_banks):
    visit = await open_visit()
    key = f"kiosk-open-{secrets.token_hex(6)}"
    arguments = {"device_id": "kiosk-retry", "borrower_name": visit.person.name, "id_number": visit.person.id_number}
    first = await flow_banks[0].client.open_kiosk_session(**arguments, idempotency_key=key)
    retry = await flow_banks[0].client.open_kiosk_session(**arguments, idempotency_key=key)
    assert retry["id"] == first["id"]
    assert retry["token"] is None


async def test_kiosk_token_missing_rejected(client):
    response = await client.get("/kiosk/v1/session", headers={"Mc-Device-Id": "kiosk-1"})
    assert response.json()["code"] == "KIOSK_TOKEN_MISSING"


async def test_kiosk_device_missing_rejected(open_visit, client):
    visit = await open_visit()
    response = await client.get("/kiosk/v1/session", headers={"Authorization": f"Bearer {visit.session['token']}"})
    assert response.json()["code"] == "KIOSK_DEVICE_MISSING"


async def test_kiosk_unknown_token_rejected(server_url):
    device = KioskDevice(server_url, token=secrets.token_urlsafe(32), device_id="kiosk-1")
    response = await device.session()
    await device.aclose()
    assert (response.status_code, response.json()["code"]) == (401, "KIOSK_TOKEN_INVALID")


async def test_kiosk_token_on_other_device_rejected(open_visit, server_url):
    visit = await open_visit()
    device = KioskDevice(server_url, token=visit.session["token"], device_id="kiosk-elsewhere")
    response = await device.session()
    await device.aclose()
    assert (response.status_code, response.json()["code"]) == (403, "KIOSK_DEVICE_MISMATCH")


async def test_kiosk_expired_session_rejected(open_visit):
    visit = await open_visit()
    await expire(visit.session["id"])
    response = await visit.device.session()
    assert (response.status_code, response.json()["code"]) == (401, "KIOSK_SESSION_EXPIRED")


async def test_kiosk_closed_session_rejected(open_visit):
    visit = await open_visit()
    await visit.device.close()
    response = await visit.device.session()
    assert (response.status_code, response.json()["code"]) == (409, "KIOSK_SESSION_CLOSED")


async def test_kiosk_closed_by_bank_rejected(open_visit):
    visit = await open_visit()
    closed = await visit.bank.client.close_kiosk_session(visit.session["id"])
    response = await visit.device.session()
    assert closed["status"] == "closed"
    assert response.json()["code"] == "KIOSK_SESSION_CLOSED"


async def test_kiosk_new_session_supersedes_device(open_visit, flow_banks):
    visit = await open_visit()
    await flow_banks[0].client.open_kiosk_session(
        device_id=visit.device_id, borrower_name=visit.person.name, id_number=visit.person.id_number)
    response = await visit.device.session()
    earlier = await flow_banks[0].client.kiosk_session(visit.session["id"])
    assert response.json()["code"] == "KIOSK_SESSION_CLOSED"
    assert earlier["closed_by"] == "superseded"


async def test_kiosk_session_view_names_borrower(open_visit):
    visit = await open_visit()
    view = (await visit.device.session()).json()
    assert view["borrower"]["name"] == visit.person.name
    assert view["application"] is None


async def test_bank_session_of_other_institution_not_found(open_visit, flow_banks):
    visit = await open_visit()
    with pytest.raises(BankApiError) as raised:
        await flow_banks[1].client.kiosk_session(visit.session["id"])
    assert raised.value.code == "KIOSK_SESSION_NOT_FOUND"


async def test_bank_session_invalid_id_rejected(flow_banks):
    with pytest.raises(BankApiError) as raised:
        await flow_banks[0].client.kiosk_session("not-a-uuid")
    assert raised.value.context["field"] == "session_id"


async def verified_consent(visit) -> str:
    await visit.device.face_check(visit.person)
    return (await visit.device.consent()).json()["consent_id"]


async def test_bind_application_of_other_borrower_rejected(open_visit):
    first = await open_visit(fresh=True)
    second = await open_visit()
    application = await create_application(first.bank, consent_id=await verified_consent(first),
                                           unit_no=first.unit_no)
    with pytest.raises(BankApiError) as raised:
        await second.bank.client.bind_kiosk_session(second.session["id"], application["id"])
    assert raised.value.code == "KIOSK_BORROWER_MISMATCH"


async def test_bind_application_of_other_institution_not_found(open_visit, flow_banks):
    visit = await open_visit()
    other = await open_visit(bank=1)
    application = await create_application(other.bank, consent_id=await verified_consent(other),
                                           unit_no=other.unit_no)
    with pytest.raises(BankApiError) as raised:
        await flow_banks[0].client.bind_kiosk_session(visit.session["id"], application["id"])
    assert raised.value.code == "APPLICATION_NOT_FOUND"


async def test_bind_second_application_rejected(open_visit):
    visit = await open_visit()
    consent_id = await verified_consent(visit)
    first = await create_application(visit.bank, consent_id=consent_id, unit_no=visit.unit_no)
    second = await create_application(visit.bank, consent_id=consent_id, unit_no=visit.unit_no)
    await visit.bank.client.bind_kiosk_session(visit.session["id"], first["id"])
    with pytest.raises(BankApiError) as raised:
        await visit.bank.client.bind_kiosk_session(visit.session["id"], second["id"])
    assert raised.value.code == "KIOSK_ALREADY_BOUND"


async def test_bind_unknown_application_not_found(open_visit):
    visit = await open_visit()
    with pytest.raises(BankApiError) as raised:
        await visit.bank.client.bind_kiosk_session(visit.session["id"], str(uuid.uuid4()))
    assert raised.value.code == "APPLICATION_NOT_FOUND"


async def test_bind_same_application_twice_harmless(open_visit):
    visit = await open_visit()
    application = await create_application(visit.bank, consent_id=await verified_consent(visit),
                                           unit_no=visit.unit_no)
    await visit.bank.client.bind_kiosk_session(visit.session["id"], application["id"])
    again = await visit.bank.client.bind_kiosk_session(visit.session["id"], application["id"])
    assert [row["kind"] for row in again["evidence"]].count("application_bound") == 1


async def test_bind_expired_session_rejected(open_visit):
    visit = await open_visit()
    application = await create_application(visit.bank, consent_id=await verified_consent(visit),
                                           unit_no=visit.unit_no)
    await expire(visit.session["id"])
    with pytest.raises(BankApiError) as raised:
        await visit.bank.client.bind_kiosk_session(visit.session["id"], application["id"])
    assert raised.value.code == "KIOSK_SESSION_EXPIRED"
