"""WeChat status messages to borrowers on each application state change, with one log row per state and borrower.

A second call for a state already sent, skipped or failed for good is a no-op. A send that could not reach
WeChat is tried again on the next call or by the status outbox's resend, and `client_msg_id` lets WeChat
drop a duplicate of a send that did arrive.
"""

import hashlib
import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError
from wechatpy.exceptions import WeChatClientException

from mortgage_cloud.errors import ProviderUnavailable
from mortgage_cloud.identity.models import WechatAccount
from mortgage_cloud.identity.wechat import call_api, mini_program_app, official_account_app
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.notify.messages import page_for, status_fields
from mortgage_cloud.notify.models import NotificationLog

log = logging.getLogger(__name__)

TEMPLATE = "template"
SUBSCRIBE = "subscribe"
# Errors that a resend cannot fix: not following (43004), refused (43101), wrong openid (40003),
# wrong template (40037), invalid field data (47003).
PERMANENT_ERRCODES = {43004, 43101, 40003, 40037, 47003}
UNREACHABLE = -1


async def notify_state_change(
    *,
    application_id: UUID | str,
    application_no: str,
    borrower_id: UUID | str,
    state: str,
    state_label: str,
    occurred_at: datetime,
    page: str | None = None,
) -> None:
    """Send the borrower a status message for this state unless one was already handled, and record the outcome.

    Every exception is logged and swallowed, because the state change has already committed. The status outbox
    (outbox.py) sends the pipeline's messages in batches through `send_entry`.
    """
    context = {"application_id": str(application_id), "borrower_id": str(borrower_id), "state": state}
    try:
        entry = await _claim(application_id=str(application_id), borrower_id=str(borrower_id), state=state)
        if entry is None:
            log.info("status message already handled", extra=context)
            return
        accounts = await WechatAccount.filter(borrower_id=borrower_id)
        await send_entry(entry, accounts, application_no=application_no, state_label=state_label,
                         occurred_at=occurred_at, page=page_for(str(application_id), page))
    except Exception:
        log.exception("status message failed unexpectedly", extra=context)


def dedup_key(application_id: str, state: str, borrower_id: str) -> str:
    """Return the key that makes one message per application, state and borrower."""
    return f"status:{application_id}:{state}:{borrower_id}"


def needs_sending(entry: NotificationLog) -> bool:
    """Tell whether a log row still waits for a send: not sent, skipped or failed for good."""
    if entry.status in ("sent", "skipped"):
        return False
    return not (entry.status == "failed" and entry.errcode in PERMANENT_ERRCODES)


async def _claim(*, application_id: str, borrower_id: str, state: str) -> NotificationLog | None:
    """Return the log row to send for, or None when this state was already sent, skipped or failed for good."""
    key = dedup_key(application_id, state, borrower_id)
    entry = await NotificationLog.get_or_none(dedup_key=key)
    if entry is None:
        try:
            entry = await NotificationLog.create(application_id=application_id, borrower_id=borrower_id, state=state,
                                                 dedup_key=key, status="pending")
        except IntegrityError:
            return None  # another worker claimed this state a moment ago
    return entry if needs_sending(entry) else None


async def send_entry(entry: NotificationLog, accounts: list[WechatAccount], *, application_no: str, state_label: str,
                     occurred_at: datetime, page: str) -> None:
    """Send the message of one claimed log row through the borrower's WeChat `accounts`, and record the outcome."""
    accounts_by_kind = {account.kind: account for account in accounts}
    data = status_fields(application_no=application_no, state_label=state_label, occurred_at=occurred_at)
    client_msg_id = hashlib.sha256(entry.dedup_key.encode()).hexdigest()[:32]

    if "official_account" in accounts_by_kind:
        channel, openid = TEMPLATE, accounts_by_kind["official_account"].openid
        send = _template_sender(openid, data, page, client_msg_id)
    elif "mini_program" in accounts_by_kind:
        channel, openid = SUBSCRIBE, accounts_by_kind["mini_program"].openid
        send = _subscribe_sender(openid, data, page)
    else:
        await _finish(entry, status="skipped", channel=None)
        return

    entry.attempts += 1
    try:
        answer = await send()
    except WeChatClientException as error:
        await _finish(entry, status="failed", channel=channel, errcode=error.errcode)
        return
    except ProviderUnavailable:
        await _finish(entry, status="failed", channel=channel, errcode=UNREACHABLE)
        return
    await _finish(entry, status="sent", channel=channel, errcode=0, msgid=answer.get("msgid"))


def _template_sender(openid: str, data: dict[str, Any], page: str, client_msg_id: str):
    settings = runtime().settings
    body = {
        "touser": openid,
        "template_id": settings.wechat_status_template_id,
        "miniprogram": {"appid": settings.wechat_mp_app_id, "pagepath": page},
        "client_msg_id": client_msg_id,
        "data": data,
    }
    return lambda: call_api(official_account_app(), lambda client: client.post("message/template/send", data=body))


def _subscribe_sender(openid: str, data: dict[str, Any], page: str):
    settings = runtime().settings
    return lambda: call_api(mini_program_app(), lambda client: client.wxa.send_subscribe_message(
        openid, settings.wechat_subscribe_template_id, data, page=page))


async def _finish(entry: NotificationLog, *, status: str, channel: str | None, errcode: int | None = None,
                  msgid: int | None = None) -> None:
    entry.status = status
    entry.channel = channel
    entry.errcode = errcode
    entry.msgid = msgid
    await entry.save(update_fields=["status", "channel", "errcode", "msgid", "attempts", "updated_at"])

    extra = {"application_id": str(entry.application_id), "borrower_id": str(entry.borrower_id),
             "state": entry.state, "channel": channel, "errcode": errcode, "attempts": entry.attempts}
    if status == "failed":
        log.warning("status message not delivered", extra=extra)
    else:
        log.info(f"status message {status}", extra=extra)
