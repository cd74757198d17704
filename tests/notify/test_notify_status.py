import uuid
from datetime import datetime, timezone

import httpx
import pytest

from mortgage_cloud.identity.login import link_wechat_account
from mortgage_cloud.notify.models import NotificationLog
from mortgage_cloud.notify.service import notify_state_change

OCCURRED_AT = datetime(2026, 12, 4, 2, 30, tzinfo=timezone.utc)


@pytest.fixture
async def wechat(mock_wechat):
    async with httpx.AsyncClient(base_url=mock_wechat.url) as http:
        yield http


async def _borrower(settings, wechat, *, mini_program=True, official_account=True, **options):
    user = (await wechat.post("/mock/users", json=options)).json()
    borrower = None
    if mini_program:
        borrower = await link_wechat_account(app_id=settings.wechat_mp_app_id, kind="mini_program",
                                             openid=user["mini_program_openid"], unionid=user["unionid"])
    if official_account:
        borrower = await link_wechat_account(app_id=settings.wechat_oa_app_id, kind="official_account",
                                             openid=user["official_account_openid"], unionid=user["unionid"])
    return borrower, user


async def _notify(borrower, *, application_id=None, state="accepted", label="已受理"):
    application_id = application_id or uuid.uuid4()
    await notify_state_change(application_id=application_id, application_no="MC202612040001", borrower_id=borrower.id,
                              state=state, state_label=label, occurred_at=OCCURRED_AT)
    return application_id


async def _messages(wechat, openid):
    return (await wechat.get("/mock/messages", params={"openid": openid})).json()["messages"]


async def test_notify_template_message_recorded(settings, wechat):
    borrower, user = await _borrower(settings, wechat)
    application_id = await _notify(borrower)
    [message] = await _messages(wechat, user["official_account_openid"])
    assert message["template_id"] == settings.wechat_status_template_id
    assert message["data"]["thing2"]["value"] == "已受理"
    assert message["data"]["time3"]["value"] == "2026-12-04 10:30"
    assert message["miniprogram"]["pagepath"] == f"pages/application/detail?id={application_id}"


async def test_notify_template_message_has_no_first_or_remark(settings, wechat):
    borrower, user = await _borrower(settings, wechat)
    await _notify(borrower)
    [message] = await _messages(wechat, user["official_account_openid"])
    assert not {"first", "remark"} & set(message["data"])
    assert message["client_msg_id"]


async def test_notify_same_state_twice_sends_once(settings, wechat):
    borrower, user = await _borrower(settings, wechat)
    application_id = await _notify(borrower)
    await _notify(borrower, application_id=application_id)
    rows = await NotificationLog.filter(application_id=application_id).count()
    assert len(await _messages(wechat, user["official_account_openid"])) == 1
    assert rows == 1


async def test_notify_each_state_sent(settings, wechat):
    borrower, user = await _borrower(settings, wechat)
    application_id = await _notify(borrower)
    await _notify(borrower, application_id=application_id, state="registered", label="已登簿")
    assert len(await _messages(wechat, user["official_account_openid"])) == 2


async def test_notify_long_label_fits_field(settings, wechat):
    borrower, user = await _borrower(settings, wechat)
    await _notify(borrower, label="转人工审核：该不动产存在异议登记，\n需登记中心工作人员审核后继续办理")
    [message] = await _messages(wechat, user["official_account_openid"])
    value = message["data"]["thing2"]["value"]
    assert len(value) <= 20
    assert "\n" not in value


async def test_notify_falls_back_to_subscribe_message(settings, wechat):
    borrower, user = await _borrower(settings, wechat, official_account=False)
    application_id = await _notify(borrower)
    [message] = await _messages(wechat, user["mini_program_openid"])
    entry = await NotificationLog.get(application_id=application_id)
    assert message["kind"] == "subscribe"
    assert entry.channel == "subscribe"


async def test_notify_not_following_recorded_as_failure(settings, wechat):
    borrower, _ = await _borrower(settings, wechat, follows_official_account=False)
    application_id = await _notify(borrower)
    entry = await NotificationLog.get(application_id=application_id)
    assert entry.status == "failed"
    assert entry.errcode == 43004


async def test_notify_refused_subscribe_recorded_as_failure(settings, wechat):
    borrower, _ = await _borrower(settings, wechat, official_account=False, accepts_subscribe_messages=False)
    application_id = await _notify(borrower)
    entry = await NotificationLog.get(application_id=application_id)
    assert entry.errcode == 43101


async def test_notify_without_wechat_account_skipped(settings):
    from mortgage_cloud.identity.models import Borrower

    borrower = await Borrower.create()
    application_id = await _notify(borrower)
    entry = await NotificationLog.get(application_id=application_id)
    assert entry.status == "skipped"


@pytest.mark.parametrize("errcode", [40001, 42001])
async def test_notify_refreshes_rejected_token(settings, wechat, errcode):
    borrower, user = await _borrower(settings, wechat)
    await _notify(borrower)  # makes sure a token is cached
    await wechat.post("/mock/tokens/expire", json={"errcode": errcode})
    application_id = await _notify(borrower, state="reviewed", label="已审核")
    entry = await NotificationLog.get(application_id=application_id)
    assert entry.status == "sent"


async def test_notify_wechat_down_recorded_not_raised(settings, wechat, runtime):
    borrower, _ = await _borrower(settings, wechat)
    original = settings.wechat_api_base
    settings.wechat_api_base = "http://127.0.0.1:9"
    try:
        await runtime.cache.delete(f"wechat:access_token:{settings.wechat_oa_app_id}")
        application_id = await _notify(borrower)
    finally:
        settings.wechat_api_base = original
    entry = await NotificationLog.get(application_id=application_id)
    assert entry.errcode == -1


async def test_notify_retries_after_unreachable(settings, wechat, runtime):
    borrower, user = await _borrower(settings, wechat)
    original = settings.wechat_api_base
    settings.wechat_api_base = "http://127.0.0.1:9"
    try:
        await runtime.cache.delete(f"wechat:access_token:{settings.wechat_oa_app_id}")
        application_id = await _notify(borrower)
    finally:
        settings.wechat_api_base = original
    await _notify(borrower, application_id=application_id)
    entry = await NotificationLog.get(application_id=application_id)
    assert entry.status == "sent"
    assert entry.attempts == 2
