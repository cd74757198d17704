import httpx
import pytest

from mortgage_cloud.mocks.testing import free_port
from mortgage_cloud.mocks.wechat_server import config_from_settings, start_mock_wechat


@pytest.fixture
async def wechat(mock_wechat):
    async with httpx.AsyncClient(base_url=mock_wechat.url) as http:
        yield http


async def _user(http, **options):
    return (await http.post("/mock/users", json=options)).json()


async def _code(http, unionid, kind="mini_program"):
    return (await http.post("/mock/codes", json={"unionid": unionid, "kind": kind})).json()["code"]


def _login_params(code):
    config = config_from_settings()
    return {"appid": config.mp_app_id, "secret": config.mp_secret, "js_code": code, "grant_type": "authorization_code"}


async def _token(http, app_id, secret):
    answer = await http.get("/cgi-bin/token", params={"grant_type": "client_credential", "appid": app_id, "secret": secret})
    return answer.json()["access_token"]


async def test_mock_jscode2session_returns_ids(wechat):
    user = await _user(wechat)
    answer = (await wechat.get("/sns/jscode2session", params=_login_params(await _code(wechat, user["unionid"])))).json()
    assert answer["openid"] == user["mini_program_openid"]
    assert answer["unionid"] == user["unionid"]
    assert answer["session_key"]


async def test_mock_jscode2session_code_reuse(wechat):
    user = await _user(wechat)
    params = _login_params(await _code(wechat, user["unionid"]))
    await wechat.get("/sns/jscode2session", params=params)
    second = (await wechat.get("/sns/jscode2session", params=params)).json()
    assert second["errcode"] == 40163


async def test_mock_jscode2session_invalid_code(wechat):
    answer = (await wechat.get("/sns/jscode2session", params=_login_params("no-such-code"))).json()
    assert answer["errcode"] == 40029


async def test_mock_jscode2session_wrong_secret(wechat):
    user = await _user(wechat)
    params = {**_login_params(await _code(wechat, user["unionid"])), "secret": "wrong"}
    assert (await wechat.get("/sns/jscode2session", params=params)).json()["errcode"] == 40125


async def test_mock_oauth_code_single_use(wechat):
    config = config_from_settings()
    user = await _user(wechat)
    params = {"appid": config.oa_app_id, "secret": config.oa_secret, "code": await _code(wechat, user["unionid"], "oauth"),
              "grant_type": "authorization_code"}
    first = (await wechat.get("/sns/oauth2/access_token", params=params)).json()
    second = (await wechat.get("/sns/oauth2/access_token", params=params)).json()
    assert first["openid"] == user["official_account_openid"]
    assert second["errcode"] == 40163


async def test_mock_oauth_snapshot_user_virtual(wechat):
    config = config_from_settings()
    user = await _user(wechat, snapshot_user=True)
    params = {"appid": config.oa_app_id, "secret": config.oa_secret, "code": await _code(wechat, user["unionid"], "oauth"),
              "grant_type": "authorization_code"}
    answer = (await wechat.get("/sns/oauth2/access_token", params=params)).json()
    assert answer["is_snapshotuser"] == 1
    assert "unionid" not in answer


async def test_mock_old_token_rejected_after_grace():
    config = config_from_settings()
    strict = config.__class__(**{**config.__dict__, "token_grace_seconds": 0.0})
    server = await start_mock_wechat(free_port(), config=strict)
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            user = await _user(http)
            old = await _token(http, config.oa_app_id, config.oa_secret)
            new = await _token(http, config.oa_app_id, config.oa_secret)
            info = {"openid": user["official_account_openid"]}
            rejected = (await http.get("/cgi-bin/user/info", params={**info, "access_token": old})).json()
            accepted = (await http.get("/cgi-bin/user/info", params={**info, "access_token": new})).json()
    finally:
        await server.close()
    assert rejected["errcode"] == 40001
    assert accepted["unionid"] == user["unionid"]


async def test_mock_user_info_hides_unionid_of_non_follower(wechat):
    config = config_from_settings()
    user = await _user(wechat, follows_official_account=False)
    token = await _token(wechat, config.oa_app_id, config.oa_secret)
    info = (await wechat.get("/cgi-bin/user/info", params={"access_token": token, "openid": user["official_account_openid"]})).json()
    assert info == {"subscribe": 0, "openid": user["official_account_openid"]}


@pytest.mark.parametrize(
    ("user_options", "change", "errcode"),
    [
        ({"follows_official_account": False}, {}, 43004),
        ({}, {"template_id": "unknown-template"}, 40037),
        ({}, {"touser": "unknown-openid"}, 40003),
        ({}, {"data": {"thing2": {"value": "一二三四五六七八九十一二三四五六七八九十一"}}}, 47003),
        ({}, {"data": {"character_string1": {"value": "申请MC001"}}}, 47003),
    ],
)
async def test_mock_template_send_errors(wechat, user_options, change, errcode):
    config = config_from_settings()
    user = await _user(wechat, **user_options)
    token = await _token(wechat, config.oa_app_id, config.oa_secret)
    body = {"touser": user["official_account_openid"], "template_id": config.template_ids[0],
            "data": {"thing2": {"value": "已受理"}}, **change}
    answer = (await wechat.post("/cgi-bin/message/template/send", params={"access_token": token}, json=body)).json()
    assert answer["errcode"] == errcode


async def test_mock_template_client_msg_id_dedup(wechat):
    config = config_from_settings()
    user = await _user(wechat)
    token = await _token(wechat, config.oa_app_id, config.oa_secret)
    body = {"touser": user["official_account_openid"], "template_id": config.template_ids[0],
            "data": {"thing2": {"value": "已受理"}}, "client_msg_id": "abc123"}
    for _ in range(2):
        await wechat.post("/cgi-bin/message/template/send", params={"access_token": token}, json=body)
    messages = (await wechat.get("/mock/messages", params={"openid": user["official_account_openid"]})).json()["messages"]
    assert len(messages) == 1


async def test_mock_expired_tokens_give_42001(wechat):
    config = config_from_settings()
    user = await _user(wechat)
    token = await _token(wechat, config.oa_app_id, config.oa_secret)
    await wechat.post("/mock/tokens/expire")
    info = (await wechat.get("/cgi-bin/user/info", params={"access_token": token, "openid": user["official_account_openid"]})).json()
    assert info["errcode"] == 42001


async def test_mock_codes_reject_unknown_user(wechat):
    answer = await wechat.post("/mock/codes", json={"unionid": "nobody", "kind": "mini_program"})
    assert answer.status_code == 400
