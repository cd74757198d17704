"""Tester controls of the mock WeChat platform: create users, issue login codes, read and clear messages."""

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.mocks.wechat_state import WechatMockState

controls = Blueprint("mock_wechat_controls", url_prefix="/mock")

CODE_KINDS = ("mini_program", "oauth")


def _state(request: Request) -> WechatMockState:
    return request.app.ctx.state


def _flag(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    return value if isinstance(value, bool) else default


def _bad_request(message: str) -> HTTPResponse:
    return json({"errcode": 40097, "errmsg": message}, status=400)


@controls.post("/users")
async def create_user(request: Request) -> HTTPResponse:
    """Create a user; options: follows_official_account (default true), snapshot_user, accepts_subscribe_messages."""
    body = request.json if isinstance(request.json, dict) else {}
    user = _state(request).create_user(
        follows=_flag(body, "follows_official_account", True),
        snapshot=_flag(body, "snapshot_user", False),
        accepts_subscribe=_flag(body, "accepts_subscribe_messages", True),
    )
    return json(user.to_dict(), status=201)


@controls.patch("/users/<unionid:str>")
async def update_user(request: Request, unionid: str) -> HTTPResponse:
    """Change whether a user follows the official account or accepts subscribe messages."""
    user = _state(request).users.get(unionid)
    if user is None:
        return json({"errcode": 40003, "errmsg": f"no mock user with unionid {unionid}"}, status=404)
    body = request.json if isinstance(request.json, dict) else {}
    user.follows_official_account = _flag(body, "follows_official_account", user.follows_official_account)
    user.accepts_subscribe_messages = _flag(body, "accepts_subscribe_messages", user.accepts_subscribe_messages)
    return json(user.to_dict())


@controls.post("/codes")
async def issue_code(request: Request) -> HTTPResponse:
    """Issue a single-use code for a user: kind `mini_program` (wx.login) or `oauth` (web authorisation)."""
    state = _state(request)
    body = request.json if isinstance(request.json, dict) else {}
    unionid = body.get("unionid")
    kind = body.get("kind", "mini_program")
    if unionid not in state.users:
        return _bad_request(f"unknown unionid {unionid!r}: create the user with POST /mock/users first")
    if kind not in CODE_KINDS:
        return _bad_request(f"kind must be one of {', '.join(CODE_KINDS)}, not {kind!r}")
    return json({"code": state.issue_code(unionid=unionid, kind=kind), "kind": kind}, status=201)


@controls.get("/messages")
async def list_messages(request: Request) -> HTTPResponse:
    """List recorded template and subscribe messages, oldest first; filter with ?openid=."""
    openid = request.args.get("openid")
    messages = [m for m in _state(request).messages if openid is None or m["openid"] == openid]
    return json({"messages": messages})


@controls.post("/tokens/expire")
async def expire_tokens(request: Request) -> HTTPResponse:
    """Make every issued access token fail: body `{"errcode": 42001}` (expired, the default) or 40001 (invalid)."""
    body = request.json if isinstance(request.json, dict) else {}
    errcode = body.get("errcode", 42001)
    if errcode not in (40001, 42001):
        return _bad_request(f"errcode must be 40001 or 42001, not {errcode!r}")
    return json({"expired": _state(request).revoke_all_tokens(errcode)})


@controls.get("/stats")
async def stats(request: Request) -> HTTPResponse:
    """Count access-token fetches per app id."""
    return json({"token_fetches": _state(request).token_fetches})


@controls.post("/clear")
async def clear(request: Request) -> HTTPResponse:
    """Forget every user, code, token and message."""
    _state(request).clear()
    return json({"cleared": True})
