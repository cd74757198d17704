"""A person who first signed at a branch kiosk later logs in with WeChat under the same ID number."""

from mortgage_cloud.demo.actors import BorrowerActor
from mortgage_cloud.identity.models import Borrower
from mortgage_cloud.infra import pii


async def _wechat_actor(visit, server_url, mock_wechat) -> BorrowerActor:
    actor = BorrowerActor(visit.person, app_url=server_url, wechat_url=mock_wechat.url)
    await actor.log_in()
    return actor


async def test_wechat_login_joins_branch_borrower(open_visit, server_url, mock_wechat):
    visit = await open_visit(fresh=True)
    await visit.device.face_check(visit.person)
    kiosk_consent = (await visit.device.consent()).json()

    actor = await _wechat_actor(visit, server_url, mock_wechat)
    await actor.verify_identity()
    consents = (await actor.call("consents", "GET", "/api/v1/consents")).json()["items"]
    await actor.aclose()

    assert [item["id"] for item in consents] == [kiosk_consent["consent_id"]]


async def test_wechat_login_leaves_one_borrower(open_visit, server_url, mock_wechat):
    visit = await open_visit(fresh=True)
    actor = await _wechat_actor(visit, server_url, mock_wechat)
    await actor.verify_identity()
    await actor.aclose()

    borrowers = await Borrower.filter(id_hash=pii.search_hash(visit.person.id_number)).count()
    assert borrowers == 1


async def test_wechat_login_without_face_pass_not_joined(open_visit, server_url, mock_wechat):
    visit = await open_visit(fresh=True)
    actor = await _wechat_actor(visit, server_url, mock_wechat)
    await actor.call("identity", "PUT", "/api/v1/me/identity", json={
        "name": visit.person.name, "id_number": visit.person.id_number, "phone": visit.person.phone})
    failed = (await actor.verify_face("login", impostor=True))["passed"]
    me = (await actor.call("me", "GET", "/api/v1/me")).json()
    await actor.aclose()

    borrowers = await Borrower.filter(id_hash=pii.search_hash(visit.person.id_number)).count()
    assert failed is False
    assert me["identity_verified"] is False
    assert borrowers == 2


async def test_second_wechat_account_still_rejected(open_visit, server_url, mock_wechat):
    visit = await open_visit(fresh=True)
    first = await _wechat_actor(visit, server_url, mock_wechat)
    await first.verify_identity()
    await first.aclose()

    second = await _wechat_actor(visit, server_url, mock_wechat)
    response = await second.http.put("/api/v1/me/identity", json={
        "name": visit.person.name, "id_number": visit.person.id_number, "phone": visit.person.phone})
    await second.aclose()

    assert response.status_code == 409
    assert response.json()["code"] == "ID_NUMBER_TAKEN"
