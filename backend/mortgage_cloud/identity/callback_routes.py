"""`GET/POST /wechat/callback`: the official account's server URL, called by WeChat."""

import logging

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, text

from mortgage_cloud.identity.callback import (
    CallbackQuery,
    CallbackRejected,
    check_signature,
    decrypt,
    encrypt_reply,
    handle_message,
)

log = logging.getLogger(__name__)

bp = Blueprint("wechat_callback")

MAX_CALLBACK_BYTES = 64 * 1024


def _query(request: Request) -> CallbackQuery:
    args = request.args
    return CallbackQuery(signature=args.get("signature", ""), timestamp=args.get("timestamp", ""),
                         nonce=args.get("nonce", "")[:64], msg_signature=args.get("msg_signature", ""),
                         encrypt_type=args.get("encrypt_type", ""))


def _rejected(error: CallbackRejected) -> HTTPResponse:
    log.warning("WeChat callback rejected", extra={"reason": str(error)})
    return text("forbidden", status=403)


@bp.get("/wechat/callback")
async def verify_url(request: Request) -> HTTPResponse:
    """Pass WeChat's server URL check by echoing `echostr` when the signature is right."""
    try:
        check_signature(_query(request))
    except CallbackRejected as error:
        return _rejected(error)
    return text(request.args.get("echostr", ""))


@bp.post("/wechat/callback")
async def receive(request: Request) -> HTTPResponse:
    """Receive a message or event in plaintext or safe mode and reply within WeChat's 5 seconds."""
    query = _query(request)
    if len(request.body) > MAX_CALLBACK_BYTES:
        return text("payload too large", status=413)
    try:
        check_signature(query)
        xml = decrypt(query, request.body) if query.safe_mode else request.body.decode("utf-8")
        reply = await handle_message(xml)
    except (CallbackRejected, UnicodeDecodeError) as error:
        return _rejected(CallbackRejected(str(error)))

    if not reply:
        return text("success")  # WeChat's documented "no reply" response
    return text(encrypt_reply(reply, query) if query.safe_mode else reply, content_type="application/xml")
