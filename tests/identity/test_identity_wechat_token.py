import asyncio

import httpx

from mortgage_cloud.identity.wechat import (
    PlatformClient,
    WechatApp,
    access_token,
    official_account_app,
    official_account_user,
)


async def _token_fetches(mock_wechat, app_id):
    async with httpx.AsyncClient(base_url=mock_wechat.url) as wechat:
        return (await wechat.get("/mock/stats")).json()["token_fetches"].get(app_id, 0)


async def test_access_token_fetched_once_for_concurrent_callers(runtime, mock_wechat):
    app = official_account_app()
    await runtime.cache.delete(app.token_key)
    before = await _token_fetches(mock_wechat, app.app_id)

    tokens = await asyncio.gather(*(access_token(app) for _ in range(10)))

    assert len(set(tokens)) == 1
    assert await _token_fetches(mock_wechat, app.app_id) == before + 1


async def test_access_token_cached_in_shared_cache(runtime, mock_wechat):
    app = official_account_app()
    token = await access_token(app)
    assert await runtime.cache.get(app.token_key) == token


async def test_expired_token_refreshed_once_and_retried(runtime, mock_wechat):
    app = official_account_app()
    async with httpx.AsyncClient(base_url=mock_wechat.url) as wechat:
        user = (await wechat.post("/mock/users", json={})).json()
        await access_token(app)
        await wechat.post("/mock/tokens/expire")
    before = await _token_fetches(mock_wechat, app.app_id)

    info = await official_account_user(user["official_account_openid"])

    assert info["unionid"] == user["unionid"]
    assert await _token_fetches(mock_wechat, app.app_id) == before + 1


def test_platform_client_proxy_read_once(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = PlatformClient(WechatApp(kind="mini_program", app_id="wx0", secret="s", api_base="http://127.0.0.1:9"))
    assert client._http.proxies.get("http") == "http://127.0.0.1:3128"


def test_platform_client_skips_environment_per_call():
    client = PlatformClient(WechatApp(kind="mini_program", app_id="wx0", secret="s", api_base="http://127.0.0.1:9"))
    assert client._http.trust_env is False
