"""The status outbox: every borrower gets each state's message once, in order, even after a crash."""

from datetime import datetime, timedelta, timezone

from mortgage_cloud.applications.models import ApplicationEvent
from mortgage_cloud.applications.states import LABELS, State
from mortgage_cloud.identity.models import WechatAccount
from mortgage_cloud.infra.runtime import join_jobs
from mortgage_cloud.notify.models import NotificationLog
from mortgage_cloud.notify.outbox import STALE_SECONDS, dispatch_batch, resend_due

PIPELINE_ORDER = ["submitted", "platform_checked", "accepted", "reviewed", "registered", "proof_issued", "archived"]


async def _submit_and_wait(prepared) -> str:
    _, application, _ = prepared.drafts[0]
    response = await prepared.primary.submit(application["id"])
    assert response.status_code == 202, response.text
    await prepared.primary.wait_for_outcome(application["id"], timeout=60)
    await join_jobs()
    return application["id"]


async def _borrower_id(actor):
    account = await WechatAccount.get(openid=actor.wechat_user["mini_program_openid"])
    return account.borrower_id


def _states_sent_to(mock_wechat, actor) -> list[str]:
    openids = {actor.wechat_user["mini_program_openid"], actor.wechat_user["official_account_openid"]}
    return [message["data"]["thing2"]["value"] for message in mock_wechat.state.messages
            if message["openid"] in openids]


async def test_outbox_co_owner_gets_every_state(prepare):
    prepared = await prepare("joint_owned")
    application_id = await _submit_and_wait(prepared)
    co_owner = prepared.actors[1]
    rows = await NotificationLog.filter(application_id=application_id, borrower_id=await _borrower_id(co_owner),
                                        status="sent").values_list("state", flat=True)
    assert set(PIPELINE_ORDER) <= set(rows)


async def test_outbox_applicant_gets_every_state(prepare):
    prepared = await prepare("joint_owned")
    application_id = await _submit_and_wait(prepared)
    rows = await NotificationLog.filter(application_id=application_id, borrower_id=await _borrower_id(prepared.primary),
                                        status="sent").values_list("state", flat=True)
    assert set(PIPELINE_ORDER) <= set(rows)


async def test_outbox_messages_arrive_in_state_order(prepare, mock_wechat):
    prepared = await prepare("clean_single_owner")
    await _submit_and_wait(prepared)
    labels = _states_sent_to(mock_wechat, prepared.primary)
    expected = [LABELS[State(state)] for state in PIPELINE_ORDER]
    assert [label for label in labels if label in expected][-len(expected):] == expected


async def test_outbox_clears_every_mark(prepare):
    prepared = await prepare("clean_single_owner")
    application_id = await _submit_and_wait(prepared)
    assert not await ApplicationEvent.filter(application_id=application_id, notify_pending=True).exists()


async def test_outbox_marked_event_sent_after_crash(prepare):
    prepared = await prepare("clean_single_owner")
    application_id = await _submit_and_wait(prepared)
    # As if the process died after the state change committed: the event is marked and no row exists.
    await NotificationLog.filter(application_id=application_id, state="archived").delete()
    await ApplicationEvent.filter(application_id=application_id, to_state="archived").update(notify_pending=True)

    await dispatch_batch()
    row = await NotificationLog.get(application_id=application_id, state="archived")
    assert row.status == "sent"


async def test_outbox_dispatch_twice_sends_once(prepare, mock_wechat):
    prepared = await prepare("clean_single_owner")
    application_id = await _submit_and_wait(prepared)
    await ApplicationEvent.filter(application_id=application_id, to_state="archived").update(notify_pending=True)
    sent_before = len(_states_sent_to(mock_wechat, prepared.primary))

    await dispatch_batch()
    assert len(_states_sent_to(mock_wechat, prepared.primary)) == sent_before


async def test_outbox_stale_pending_row_resent(prepare):
    prepared = await prepare("clean_single_owner")
    application_id = await _submit_and_wait(prepared)
    # As if the process died between claiming the event and sending its message.
    await NotificationLog.filter(application_id=application_id, state="archived").update(status="pending", attempts=0)

    later = datetime.now(timezone.utc) + timedelta(seconds=STALE_SECONDS + 1)
    await resend_due(now=later)
    row = await NotificationLog.get(application_id=application_id, state="archived")
    assert row.status == "sent"


async def test_outbox_fresh_pending_row_left_alone(prepare):
    prepared = await prepare("clean_single_owner")
    application_id = await _submit_and_wait(prepared)
    # A row another process is sending right now: not yet stale, so not sent a second time.
    await NotificationLog.filter(application_id=application_id, state="archived").update(
        status="pending", updated_at=datetime.now(timezone.utc))

    await resend_due()
    row = await NotificationLog.get(application_id=application_id, state="archived")
    assert row.status == "pending"


async def test_outbox_unsigned_co_owner_asked_to_sign(prepare):
    prepared = await prepare("joint_owned", skip_co_owner=True)
    _, application, _ = prepared.drafts[0]
    co_owner = prepared.actors[1]
    await co_owner.log_in()
    await co_owner.verify_identity()
    # The signing state was reached before the co-owner had an account, so its message is dispatched again.
    await ApplicationEvent.filter(application_id=application["id"], to_state="signing").update(notify_pending=True)

    await dispatch_batch()
    row = await NotificationLog.get(application_id=application["id"], state="signing",
                                    borrower_id=await _borrower_id(co_owner))
    assert row.status == "sent"
