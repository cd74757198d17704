"""The mock WeChat platform's web authorisation page, `/connect/oauth2/authorize`."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from mortgage_cloud.mocks.wechat_server import config_from_settings

REDIRECT_URI = "http://127.0.0.1:8000/h5/wechat-login"


@pytest.fixture
async def wechat(mock_wechat):
    async with httpx.AsyncClient(base_url=mock_wechat.url) as http:
        yield http


def _authorize_params(**changes):
    params = {"appid": config_from_settings().oa_app_id, "redirect_uri": REDIRECT_URI, "response_type": "code",
              "scope": "snsapi_base", "state": "state-1"}
    params.update(changes)
    return {name: value for name, value in params.items() if value is not None}


async def _authorize(wechat, **changes):
    return await wechat.get("/connect/oauth2/authorize", params=_authorize_params(**changes))


def _redirect_query(response):
    return parse_qs(urlsplit(response.headers["location"]).query)


async def _redeem(wechat, code):
    config = config_from_settings()
    params = {"appid": config.oa_app_id, "secret": config.oa_secret, "code": code, "grant_type": "authorization_code"}
    return (await wechat.get("/sns/oauth2/access_token", params=params)).json()


async def test_mock_authorize_redirects(wechat):
    response = await _authorize(wechat)
    assert response.status_code == 302


async def test_mock_authorize_redirect_target(wechat):
    location = urlsplit((await _authorize(wechat)).headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI


async def test_mock_authorize_passes_state(wechat):
    assert _redirect_query(await _authorize(wechat))["state"] == ["state-1"]


async def test_mock_authorize_keeps_redirect_query(wechat):
    response = await _authorize(wechat, redirect_uri=REDIRECT_URI + "?from=menu")
    assert _redirect_query(response)["from"] == ["menu"]


async def test_mock_authorize_code_for_given_user(wechat):
    user = (await wechat.post("/mock/users", json={})).json()
    code = _redirect_query(await _authorize(wechat, mock_unionid=user["unionid"]))["code"][0]
    assert (await _redeem(wechat, code))["openid"] == user["official_account_openid"]


async def test_mock_authorize_creates_user_without_unionid(wechat, mock_wechat):
    known = set(mock_wechat.state.users)
    code = _redirect_query(await _authorize(wechat))["code"][0]
    assert (await _redeem(wechat, code))["unionid"] not in known


async def test_mock_authorize_code_single_use(wechat):
    code = _redirect_query(await _authorize(wechat))["code"][0]
    await _redeem(wechat, code)
    assert (await _redeem(wechat, code))["errcode"] == 40163


async def test_mock_authorize_error_not_redirect(wechat):
    response = await _authorize(wechat, appid="wx-not-ours")
    assert response.status_code == 200


@pytest.mark.parametrize(("changes", "errcode"), [
    ({"appid": "wx-not-ours"}, 40013),
    ({"appid": None}, 10012),
    ({"redirect_uri": "https://attacker.example/steal"}, 10003),
    ({"redirect_uri": "javascript://127.0.0.1/alert(1)"}, 10003),
    ({"redirect_uri": None}, 10011),
    ({"response_type": "token"}, 47003),
    ({"scope": "snsapi_login"}, 10005),
    ({"scope": None}, 10010),
    ({"mock_unionid": "mock-union-unknown"}, 40003),
])
async def test_mock_authorize_invalid_parameter(wechat, changes, errcode):
    answer = (await _authorize(wechat, **changes)).json()
    assert answer["errcode"] == errcode
