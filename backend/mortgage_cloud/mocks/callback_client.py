"""Fire signed WeChat server callbacks at the platform, as WeChat would (used by the tester command and tests)."""

import hashlib
import secrets
import time
from dataclasses import dataclass
from xml.sax.saxutils import escape

import httpx
import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto

OFFICIAL_ACCOUNT_ORIGINAL_ID = "gh_mockofficial01"


@dataclass(frozen=True)
class CallbackSigner:
    """The callback secrets of one official account, as configured on WeChat's side."""

    token: str
    encoding_aes_key: str
    app_id: str


def event_xml(*, openid: str, event: str, create_time: int, key: str = "") -> str:
    """Return the XML of an event push (subscribe, unsubscribe, click …)."""
    key_element = f"<EventKey><![CDATA[{escape(key)}]]></EventKey>" if key else ""
    return (f"<xml><ToUserName><![CDATA[{OFFICIAL_ACCOUNT_ORIGINAL_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{escape(openid)}]]></FromUserName><CreateTime>{create_time}</CreateTime>"
            f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{escape(event)}]]></Event>{key_element}</xml>")


def text_xml(*, openid: str, content: str, create_time: int, msg_id: int) -> str:
    """Return the XML of a text message from a follower."""
    return (f"<xml><ToUserName><![CDATA[{OFFICIAL_ACCOUNT_ORIGINAL_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{escape(openid)}]]></FromUserName><CreateTime>{create_time}</CreateTime>"
            f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{escape(content)}]]></Content>"
            f"<MsgId>{msg_id}</MsgId></xml>")


def _sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def signed_query(signer: CallbackSigner, *, timestamp: str, nonce: str, openid: str = "") -> dict[str, str]:
    """Return the query WeChat adds to every callback: signature over token, timestamp and nonce."""
    query = {"signature": _sha1(signer.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    if openid:
        query["openid"] = openid
    return query


def fire(url: str, signer: CallbackSigner, xml: str, *, safe_mode: bool = False, openid: str = "",
         timeout: float = 10.0) -> tuple[int, str]:
    """POST a callback like WeChat; return the HTTP status and the reply, decrypted in safe mode."""
    timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
    query = signed_query(signer, timestamp=timestamp, nonce=nonce, openid=openid)
    body = xml
    if safe_mode:
        crypto = WeChatCrypto(signer.token, signer.encoding_aes_key, signer.app_id)
        encrypted = PrpCrypto(crypto.key).encrypt(xml, signer.app_id).decode()
        query.update(encrypt_type="aes", msg_signature=_sha1(signer.token, timestamp, nonce, encrypted))
        body = f"<xml><ToUserName><![CDATA[{OFFICIAL_ACCOUNT_ORIGINAL_ID}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"

    response = httpx.post(url, params=query, content=body.encode(), headers={"Content-Type": "text/xml"}, timeout=timeout)
    reply = response.text
    if safe_mode and response.status_code == 200 and reply.startswith("<xml>"):
        reply = decrypt_reply(signer, reply)
    return response.status_code, reply


def decrypt_reply(signer: CallbackSigner, reply: str) -> str:
    """Check and decrypt a safe-mode reply as WeChat would."""
    crypto = WeChatCrypto(signer.token, signer.encoding_aes_key, signer.app_id)
    parsed = xmltodict.parse(reply)["xml"]
    return crypto.decrypt_message(parsed, parsed["MsgSignature"], parsed["TimeStamp"], parsed["Nonce"])
