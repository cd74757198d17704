"""WeChat server callbacks of the official account: signatures, safe-mode decryption, deduplication and replies.

WeChat retries a callback that gets no response within 5 seconds, up to three times, so every message
is handled once: messages are keyed on MsgId, events (which carry none) on sender + CreateTime.
The reply of the first delivery is kept and sent again for a retry.
"""

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from wechatpy import parse_message
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.replies import TextReply

from mortgage_cloud.identity.login import OFFICIAL_ACCOUNT, link_wechat_account
from mortgage_cloud.identity.models import WechatAccount
from mortgage_cloud.identity.wechat import official_account_user
from mortgage_cloud.infra.runtime import runtime

log = logging.getLogger(__name__)

DEDUP_TTL_SECONDS = 120  # longer than WeChat's three retries 5 seconds apart
MAX_CLOCK_SKEW_SECONDS = 300
PROGRESS_KEYWORDS = {"进度", "查询进度", "办理进度", "申请进度", "查进度"}
PROGRESS_MENU_KEY = "QUERY_PROGRESS"
WELCOME_TEXT = "欢迎关注！您可在小程序中在线办理不动产抵押登记，回复“进度”可查询最新办理进度。"
HELP_TEXT = "回复“进度”可查询您的抵押登记办理进度。"
NOT_LINKED_TEXT = "未找到您的账号。请先在小程序中用微信登录并完成实名认证，再回复“进度”查询。"
NO_PROVIDER_TEXT = "进度查询暂时不可用，请稍后再试，或在小程序“我的申请”中查看。"

StatusReplyProvider = Callable[[UUID], Awaitable[str]]
_status_reply_provider: StatusReplyProvider | None = None


def set_status_reply_provider(provider: StatusReplyProvider) -> None:
    """Register the function that writes a borrower's application status as one short Chinese text."""
    global _status_reply_provider
    _status_reply_provider = provider


class CallbackRejected(Exception):
    """A callback whose signature, timestamp or ciphertext is not acceptable."""


@dataclass(frozen=True)
class CallbackQuery:
    signature: str
    timestamp: str
    nonce: str
    msg_signature: str = ""
    encrypt_type: str = ""

    @property
    def safe_mode(self) -> bool:
        return self.encrypt_type == "aes"


def _sha1_signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _token() -> str:
    return runtime().settings.wechat_token.get_secret_value()


def check_signature(query: CallbackQuery) -> None:
    """Check `signature` over token, timestamp and nonce in constant time, and the timestamp's age."""
    if not query.timestamp.isdigit() or abs(time.time() - int(query.timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        raise CallbackRejected("timestamp missing or outside the allowed clock skew")
    expected = _sha1_signature(_token(), query.timestamp, query.nonce)
    if not hmac.compare_digest(expected, query.signature.lower()):
        raise CallbackRejected("signature mismatch")


def _crypto() -> WeChatCrypto:
    settings = runtime().settings
    return WeChatCrypto(_token(), settings.wechat_encoding_aes_key.get_secret_value(), settings.wechat_oa_app_id)


def decrypt(query: CallbackQuery, body: bytes) -> str:
    """Check `msg_signature` over token, timestamp, nonce and ciphertext in constant time, then decrypt."""
    import xmltodict

    try:
        encrypted = xmltodict.parse(body)["xml"]["Encrypt"]
    except Exception as error:  # xmltodict raises expat errors; a missing element raises KeyError or TypeError
        raise CallbackRejected("safe-mode body has no Encrypt element") from error
    expected = _sha1_signature(_token(), query.timestamp, query.nonce, encrypted)
    if not hmac.compare_digest(expected, query.msg_signature.lower()):
        raise CallbackRejected("msg_signature mismatch")

    crypto = _crypto()
    try:
        return PrpCrypto(crypto.key).decrypt(encrypted, crypto.app_id)
    except Exception as error:  # bad padding, a wrong app id or garbage all surface as different types
        raise CallbackRejected("ciphertext could not be decrypted") from error


def encrypt_reply(reply_xml: str, query: CallbackQuery) -> str:
    """Encrypt and sign a reply for a safe-mode callback."""
    return _crypto().encrypt_message(reply_xml, query.nonce, query.timestamp)


async def handle_message(xml: str) -> str:
    """Handle one decrypted callback once and return the reply XML ('' for no reply)."""
    try:
        message = parse_message(xml)
    except Exception as error:  # expat errors, or KeyError for XML without MsgType
        raise CallbackRejected("callback body is not a WeChat message") from error
    if message is None:
        return ""
    key = _dedup_key(message)
    cache = runtime().cache
    if not await cache.add(key, "", ttl=DEDUP_TTL_SECONDS):
        log.info("WeChat callback retry ignored", extra={"wechat_type": message.type})
        return await cache.get(key) or ""

    text = await _reply_text(message)
    reply = TextReply(source=message.target, target=message.source, content=text).render() if text else ""
    await cache.set(key, reply, ttl=DEDUP_TTL_SECONDS)
    return reply


def _dedup_key(message: object) -> str:
    msg_id = getattr(message, "id", None)
    if msg_id:
        return f"wechat:callback:msg:{msg_id}"
    return f"wechat:callback:event:{message.source}:{message.create_time.timestamp():.0f}"


async def _reply_text(message: object) -> str:
    kind = message.type
    if kind == "event":
        return await _event_reply(message)
    if kind == "text":
        content = (message.content or "").strip()
        return await status_text(message.source) if content in PROGRESS_KEYWORDS else HELP_TEXT
    return HELP_TEXT


async def _event_reply(event: object) -> str:
    if event.event in ("subscribe", "subscribe_scan"):
        await link_follower(event.source)
        return WELCOME_TEXT
    if event.event == "unsubscribe":
        await WechatAccount.filter(openid=event.source).update(follows_official_account=False)
        log.info("official account unfollowed")
        return ""
    if event.event == "click" and event.key == PROGRESS_MENU_KEY:
        return await status_text(event.source)
    return ""


async def link_follower(openid: str) -> None:
    """Link a new follower's official-account openid to their borrower through the unionid of `user/info`."""
    try:
        info = await official_account_user(openid)
    except Exception:
        # The welcome reply must still go out within WeChat's 5 seconds; the next login links the account.
        log.exception("user/info failed for a new follower")
        return
    unionid = info.get("unionid")
    if not unionid:
        log.info("new follower has no unionid, not linked")
        return
    borrower = await link_wechat_account(app_id=runtime().settings.wechat_oa_app_id, kind=OFFICIAL_ACCOUNT,
                                         openid=openid, unionid=unionid, follows_official_account=True)
    log.info("follower linked to borrower", extra={"borrower_id": str(borrower.id)})


async def status_text(openid: str) -> str:
    """Return the status reply for the borrower behind an official-account openid."""
    account = await WechatAccount.get_or_none(openid=openid)
    if account is None:
        return NOT_LINKED_TEXT
    if _status_reply_provider is None:
        log.warning("no status reply provider registered")
        return NO_PROVIDER_TEXT
    try:
        return await _status_reply_provider(account.borrower_id)
    except Exception:
        log.exception("status reply provider failed", extra={"borrower_id": str(account.borrower_id)})
        return NO_PROVIDER_TEXT
