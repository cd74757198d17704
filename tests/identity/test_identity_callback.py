import asyncio
import hashlib
import secrets
import time

import httpx
import pytest

from mortgage_cloud.identity import callback
from mortgage_cloud.identity.callback import set_status_reply_provider
from mortgage_cloud.identity.models import WechatAccount
from mortgage_cloud.mocks.callback_client import CallbackSigner, event_xml, fire, signed_query, text_xml


@pytest.fixture(autouse=True)
def keep_status_reply_provider():
    """Put back the provider another domain registered, since these tests install their own."""
    registered = callback._status_reply_provider
    yield
    callback._status_reply_provider = registered


@pytest.fixture
def signer(settings):
    return CallbackSigner(token=settings.wechat_token.get_secret_value(),
                          encoding_aes_key=settings.wechat_encoding_aes_key.get_secret_value(),
                          app_id=settings.wechat_oa_app_id)


@pytest.fixture
def callback_url(server_url):
    return f"{server_url}/wechat/callback"


@pytest.fixture
async def wechat_user(mock_wechat):
    async with httpx.AsyncClient(base_url=mock_wechat.url) as wechat:
        return (await wechat.post("/mock/users", json={})).json()


async def _login(client, mock_wechat, user):
    async with httpx.AsyncClient(base_url=mock_wechat.url) as wechat:
        code = (await wechat.post("/mock/codes", json={"unionid": user["unionid"]})).json()["code"]
    return (await client.post("/api/v1/auth/mini-program/login", json={"code": code})).json()["borrower"]["id"]


async def _fire(callback_url, signer, xml, *, safe_mode=False):
    return await asyncio.to_thread(fire, callback_url, signer, xml, safe_mode=safe_mode)


async def test_callback_url_verification_echoes(client, signer):
    timestamp, nonce = str(int(time.time())), "n0nce"
    query = {**signed_query(signer, timestamp=timestamp, nonce=nonce), "echostr": "echo-4711"}
    answer = await client.get("/wechat/callback", params=query)
    assert answer.text == "echo-4711"


async def test_callback_url_verification_bad_signature(client, signer):
    timestamp = str(int(time.time()))
    query = {"signature": hashlib.sha1(b"forged").hexdigest(), "timestamp": timestamp, "nonce": "n", "echostr": "x"}
    answer = await client.get("/wechat/callback", params=query)
    assert answer.status_code == 403


async def test_callback_old_timestamp_rejected(client, signer):
    timestamp = str(int(time.time()) - 3600)
    query = {**signed_query(signer, timestamp=timestamp, nonce="n"), "echostr": "x"}
    answer = await client.get("/wechat/callback", params=query)
    assert answer.status_code == 403


async def test_callback_plaintext_text_gets_help(callback_url, signer):
    xml = text_xml(openid="oa-nobody", content="你好", create_time=int(time.time()), msg_id=secrets.randbits(60))
    status, reply = await _fire(callback_url, signer, xml)
    assert status == 200
    assert "进度" in reply


async def test_callback_subscribe_links_borrower(client, mock_wechat, wechat_user, callback_url, signer):
    borrower_id = await _login(client, mock_wechat, wechat_user)
    xml = event_xml(openid=wechat_user["official_account_openid"], event="subscribe", create_time=int(time.time()))
    await _fire(callback_url, signer, xml, safe_mode=True)
    account = await WechatAccount.get(openid=wechat_user["official_account_openid"])
    assert str(account.borrower_id) == borrower_id
    assert account.follows_official_account is True


async def test_callback_unsubscribe_clears_follow(client, mock_wechat, wechat_user, callback_url, signer):
    await _login(client, mock_wechat, wechat_user)
    openid = wechat_user["official_account_openid"]
    await _fire(callback_url, signer, event_xml(openid=openid, event="subscribe", create_time=int(time.time())))
    await _fire(callback_url, signer, event_xml(openid=openid, event="unsubscribe", create_time=int(time.time()) + 1))
    account = await WechatAccount.get(openid=openid)
    assert account.follows_official_account is False


async def test_callback_safe_mode_progress_reply(client, mock_wechat, wechat_user, callback_url, signer):
    borrower_id = await _login(client, mock_wechat, wechat_user)
    openid = wechat_user["official_account_openid"]
    await _fire(callback_url, signer, event_xml(openid=openid, event="subscribe", create_time=int(time.time())))

    async def provider(asked_borrower_id):
        return f"申请受理中：{asked_borrower_id}"

    set_status_reply_provider(provider)
    xml = text_xml(openid=openid, content="进度", create_time=int(time.time()), msg_id=secrets.randbits(60))
    status, reply = await _fire(callback_url, signer, xml, safe_mode=True)
    assert status == 200
    assert f"申请受理中：{borrower_id}" in reply


async def test_callback_safe_mode_retries_handled_once(client, mock_wechat, wechat_user, callback_url, signer):
    await _login(client, mock_wechat, wechat_user)
    openid = wechat_user["official_account_openid"]
    await _fire(callback_url, signer, event_xml(openid=openid, event="subscribe", create_time=int(time.time())))
    calls = []

    async def provider(borrower_id):
        calls.append(borrower_id)
        return "已登簿"

    set_status_reply_provider(provider)
    xml = text_xml(openid=openid, content="进度", create_time=int(time.time()), msg_id=secrets.randbits(60))
    replies = [(await _fire(callback_url, signer, xml, safe_mode=True))[1] for _ in range(3)]
    assert len(calls) == 1
    assert all("已登簿" in reply for reply in replies)


async def test_callback_events_deduplicated_on_sender_and_time(client, mock_wechat, wechat_user, callback_url, signer):
    await _login(client, mock_wechat, wechat_user)
    openid = wechat_user["official_account_openid"]
    await _fire(callback_url, signer, event_xml(openid=openid, event="subscribe", create_time=int(time.time())))
    calls = []

    async def provider(borrower_id):
        calls.append(borrower_id)
        return "审核中"

    set_status_reply_provider(provider)
    xml = event_xml(openid=openid, event="click", key="QUERY_PROGRESS", create_time=int(time.time()) + 7)
    for _ in range(2):
        await _fire(callback_url, signer, xml)
    assert len(calls) == 1


async def test_callback_safe_mode_bad_msg_signature_rejected(client, signer):
    timestamp, nonce = str(int(time.time())), "n"
    query = {**signed_query(signer, timestamp=timestamp, nonce=nonce), "encrypt_type": "aes",
             "msg_signature": hashlib.sha1(b"forged").hexdigest()}
    answer = await client.post("/wechat/callback", params=query, content=b"<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>")
    assert answer.status_code == 403


async def test_callback_malformed_xml_rejected(client, signer):
    query = signed_query(signer, timestamp=str(int(time.time())), nonce="n")
    answer = await client.post("/wechat/callback", params=query, content=b"<xml><oops")
    assert answer.status_code == 403


async def test_callback_command_fires_subscribe(server_url, mock_wechat, wechat_user, client, settings):
    await _login(client, mock_wechat, wechat_user)
    openid = wechat_user["official_account_openid"]
    process = await asyncio.create_subprocess_exec(
        "mortgage-cloud", "wechat-callback", "--url", f"{server_url}/wechat/callback", "--event", "subscribe",
        "--openid", openid, "--safe-mode", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=_command_env(settings),
    )
    stdout, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0
    assert "欢迎关注" in stdout.decode()


def _command_env(settings):
    import os
    import sys
    from pathlib import Path

    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    env["MC_WECHAT_TOKEN"] = settings.wechat_token.get_secret_value()
    env["MC_WECHAT_ENCODING_AES_KEY"] = settings.wechat_encoding_aes_key.get_secret_value()
    env["MC_WECHAT_OA_APP_ID"] = settings.wechat_oa_app_id
    return env
