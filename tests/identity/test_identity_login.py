from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from mortgage_cloud.identity.models import WechatAccount


@pytest.fixture
async def wechat(mock_wechat):
    async with httpx.AsyncClient(base_url=mock_wechat.url) as http:
        yield http


async def _user(wechat, **options):
    return (await wechat.post("/mock/users", json=options)).json()


async def _code(wechat, unionid, kind="mini_program"):
    return (await wechat.post("/mock/codes", json={"unionid": unionid, "kind": kind})).json()["code"]


async def _oauth_login(client, wechat, unionid):
    state = (await client.get("/api/v1/auth/oauth/url")).json()["state"]
    code = await _code(wechat, unionid, "oauth")
    return await client.get("/api/v1/auth/oauth/callback", params={"code": code, "state": state})


async def test_login_mini_program_returns_session(client, wechat):
    user = await _user(wechat)
    answer = await client.post("/api/v1/auth/mini-program/login", json={"code": await _code(wechat, user["unionid"])})
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {answer.json()['token']}"})
    assert answer.status_code == 200
    assert me.json()["id"] == answer.json()["borrower"]["id"]


async def test_login_keeps_session_key_on_server(client, wechat):
    user = await _user(wechat)
    answer = await client.post("/api/v1/auth/mini-program/login", json={"code": await _code(wechat, user["unionid"])})
    assert "session_key" not in answer.text


async def test_login_code_reuse_rejected(client, wechat):
    user = await _user(wechat)
    code = await _code(wechat, user["unionid"])
    await client.post("/api/v1/auth/mini-program/login", json={"code": code})
    again = await client.post("/api/v1/auth/mini-program/login", json={"code": code})
    assert again.status_code == 401
    assert again.json()["code"] == "WECHAT_CODE_INVALID"


async def test_login_missing_code_names_field(client):
    answer = await client.post("/api/v1/auth/mini-program/login", json={})
    assert answer.status_code == 422
    assert answer.json()["context"]["field"] == "code"


async def test_login_unionid_maps_both_apps_to_one_borrower(client, wechat):
    user = await _user(wechat)
    mini = await client.post("/api/v1/auth/mini-program/login", json={"code": await _code(wechat, user["unionid"])})
    oauth = await _oauth_login(client, wechat, user["unionid"])
    accounts = await WechatAccount.filter(borrower_id=mini.json()["borrower"]["id"]).values_list("kind", flat=True)
    assert oauth.json()["borrower"]["id"] == mini.json()["borrower"]["id"]
    assert sorted(accounts) == ["mini_program", "official_account"]


async def test_login_second_time_same_borrower(client, wechat):
    user = await _user(wechat)
    first = await client.post("/api/v1/auth/mini-program/login", json={"code": await _code(wechat, user["unionid"])})
    second = await client.post("/api/v1/auth/mini-program/login", json={"code": await _code(wechat, user["unionid"])})
    assert first.json()["borrower"]["id"] == second.json()["borrower"]["id"]


async def test_oauth_url_carries_state(client):
    answer = (await client.get("/api/v1/auth/oauth/url")).json()
    query = parse_qs(urlsplit(answer["authorize_url"]).query)
    assert query["state"] == [answer["state"]]


async def test_oauth_url_rejects_foreign_redirect(client):
    answer = await client.get("/api/v1/auth/oauth/url", params={"redirect_uri": "https://attacker.example/steal"})
    assert answer.json()["context"]["field"] == "redirect_uri"


async def test_oauth_callback_rejects_unknown_state(client, wechat):
    user = await _user(wechat)
    code = await _code(wechat, user["unionid"], "oauth")
    answer = await client.get("/api/v1/auth/oauth/callback", params={"code": code, "state": "made-up"})
    assert answer.json()["code"] == "OAUTH_STATE_INVALID"


async def test_oauth_state_single_use(client, wechat):
    user = await _user(wechat)
    state = (await client.get("/api/v1/auth/oauth/url")).json()["state"]
    for _ in range(2):
        answer = await client.get("/api/v1/auth/oauth/callback",
                                  params={"code": await _code(wechat, user["unionid"], "oauth"), "state": state})
    assert answer.status_code == 401


async def test_oauth_snapshot_user_rejected(client, wechat):
    user = await _user(wechat, snapshot_user=True)
    answer = await _oauth_login(client, wechat, user["unionid"])
    assert answer.status_code == 403
    assert answer.json()["code"] == "WECHAT_SNAPSHOT_USER"


async def test_me_without_token_rejected(client):
    answer = await client.get("/api/v1/me")
    assert answer.status_code == 401


async def test_me_with_unknown_token_rejected(client):
    answer = await client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-session"})
    assert answer.json()["code"] == "SESSION_EXPIRED"


async def test_me_unknown_token_message_not_expiry(client):
    answer = await client.get("/api/v1/me", headers={"Authorization": "Bearer never-issued"})
    assert answer.json()["message"] == "登录已失效或凭证无效，请重新登录。"


async def test_logout_ends_session(client, wechat):
    user = await _user(wechat)
    token = (await client.post("/api/v1/auth/mini-program/login",
                               json={"code": await _code(wechat, user["unionid"])})).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    await client.post("/api/v1/auth/logout", headers=headers)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
