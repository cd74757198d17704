"""A mock WeChat platform speaking WeChat's HTTP protocol (JSON with errcode/errmsg), for tests, the demo and testers.

Platform endpoints: mini-program login (`/sns/jscode2session`), web OAuth (`/connect/oauth2/authorize`,
`/sns/oauth2/access_token`, `/sns/userinfo`), access tokens (`/cgi-bin/token`), user info (`/cgi-bin/user/info`), template messages
(`/cgi-bin/message/template/send`) and subscribe messages (`/cgi-bin/message/subscribe/send`).
Tester controls live under `/mock/`.
"""

import json as jsonlib
import secrets
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, json, redirect

from mortgage_cloud.mocks.server import MockServer, serve, unique_app_name
from mortgage_cloud.mocks.wechat_state import WechatMockConfig, WechatMockState

ERRMSG = {
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40013: "invalid appid",
    40029: "invalid code",
    40037: "invalid template_id",
    40125: "invalid appsecret",
    40163: "code been used",
    41001: "access_token missing",
    42001: "access_token expired",
    43004: "require subscribe",
    43101: "user refuse to accept the msg",
    44002: "empty post data",
    47001: "data format error",
    47003: "argument invalid",
    10003: "redirect_uri domain is not the web authorisation domain",
    10005: "the official account has no permission for this scope",
    10010: "scope is empty",
    10011: "redirect_uri is empty",
    10012: "appid is empty",
}
OAUTH_SCOPES = ("snsapi_base", "snsapi_userinfo")
MAX_FIELD_LENGTH = 20  # template message fields since May 2023


def wechat_error(errcode: int, detail: str = "") -> HTTPResponse:
    """Return WeChat's error body; the platform returns HTTP 200 even for errors."""
    message = ERRMSG.get(errcode, "system error")
    return json({"errcode": errcode, "errmsg": f"{message}{': ' + detail if detail else ''} rid: {secrets.token_hex(4)}"})


def config_from_settings() -> WechatMockConfig:
    """Return a config with the same app ids, secrets and template ids as the platform's settings."""
    from mortgage_cloud.settings import get_settings

    settings = get_settings()
    return WechatMockConfig(
        mp_app_id=settings.wechat_mp_app_id,
        mp_secret=settings.wechat_mp_secret.get_secret_value(),
        oa_app_id=settings.wechat_oa_app_id,
        oa_secret=settings.wechat_oa_secret.get_secret_value(),
        template_ids=(settings.wechat_status_template_id, settings.wechat_subscribe_template_id),
        oauth_redirect_hosts=oauth_redirect_hosts(settings.public_base_url),
    )


def oauth_redirect_hosts(public_base_url: str) -> tuple[str, ...]:
    """Return the host of the platform's public URL, which the mock treats as the web authorisation domain."""
    return (urlsplit(public_base_url).hostname or "127.0.0.1",)


def create_wechat_app(config: WechatMockConfig | None = None) -> Sanic:
    """Build the mock WeChat app with fresh state."""
    from mortgage_cloud.mocks.wechat_controls import controls

    # Sanic's own logging set-up adds a stdout handler to its loggers besides the root handler of infra.logging,
    # so each line would print twice.
    app = Sanic(unique_app_name("mock_wechat"), configure_logging=False)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.state = WechatMockState(config or config_from_settings())
    app.blueprint(platform)
    app.blueprint(controls)
    return app


async def start_mock_wechat(port: int, *, host: str = "127.0.0.1", config: WechatMockConfig | None = None) -> MockServer:
    """Start the mock WeChat platform in this event loop; the result has `.url`, `.state` and `close()`."""
    return await serve(create_wechat_app(config), host=host, port=port)


platform = Blueprint("mock_wechat_platform")


def _state(request: Request) -> WechatMockState:
    return request.app.ctx.state


def _body(request: Request) -> dict[str, Any] | None:
    try:
        body = jsonlib.loads(request.body or b"")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


@platform.get("/sns/jscode2session")
async def jscode2session(request: Request) -> HTTPResponse:
    state = _state(request)
    args = request.args
    app_id = args.get("appid", "")
    if app_id != state.config.mp_app_id:
        return wechat_error(40013)
    if not secrets.compare_digest(args.get("secret", ""), state.config.mp_secret):
        return wechat_error(40125)
    if args.get("grant_type") != "authorization_code":
        return wechat_error(40002)

    user, errcode = state.redeem_code(args.get("js_code", ""), kind="mini_program")
    if user is None:
        return wechat_error(errcode)
    return json({"openid": user.mp_openid, "session_key": secrets.token_urlsafe(16), "unionid": user.unionid})


@platform.get("/sns/oauth2/access_token")
async def oauth_access_token(request: Request) -> HTTPResponse:
    state = _state(request)
    args = request.args
    if args.get("appid", "") != state.config.oa_app_id:
        return wechat_error(40013)
    if not secrets.compare_digest(args.get("secret", ""), state.config.oa_secret):
        return wechat_error(40125)
    if args.get("grant_type") != "authorization_code":
        return wechat_error(40002)

    user, errcode = state.redeem_code(args.get("code", ""), kind="oauth")
    if user is None:
        return wechat_error(errcode)

    sns_token = "mock-sns-" + secrets.token_urlsafe(16)
    body: dict[str, Any] = {
        "access_token": sns_token,
        "expires_in": 7200,
        "refresh_token": "mock-refresh-" + secrets.token_urlsafe(16),
        "scope": "snsapi_base",
    }
    if user.snapshot_user:
        # A snapshot user gets a virtual openid and no unionid.
        body.update(openid="mock-virtual-" + secrets.token_hex(8), is_snapshotuser=1)
    else:
        body.update(openid=user.oa_openid, unionid=user.unionid)
        state.sns_tokens[sns_token] = user.oa_openid
    return json(body)


@platform.get("/connect/oauth2/authorize")
async def oauth_authorize(request: Request) -> HTTPResponse:
    """Authorise the official account's web page and redirect to `redirect_uri?code=...&state=...`.

    The real page learns the user from the WeChat client. The mock takes a user created with POST /mock/users
    from the mock-only parameter `mock_unionid`, and creates a new user when it is absent.
    """
    state = _state(request)
    args = request.args
    errcode = _authorize_errcode(state, args.get("appid", ""), args.get("redirect_uri", ""),
                                 args.get("response_type", ""), args.get("scope", ""))
    if errcode:
        return wechat_error(errcode)

    unionid = args.get("mock_unionid")
    if unionid is None:
        unionid = state.create_user(follows=True, snapshot=False, accepts_subscribe=True).unionid
    elif unionid not in state.users:
        return wechat_error(40003, f"no mock user with mock_unionid {unionid[:64]!r}")

    code = state.issue_code(unionid=unionid, kind="oauth")
    return redirect(_with_query(args.get("redirect_uri"), code=code, state=args.get("state", "")))


def _authorize_errcode(state: WechatMockState, app_id: str, redirect_uri: str, response_type: str, scope: str) -> int:
    """Return WeChat's errcode for the first invalid authorize parameter, or 0 when all are valid."""
    if not app_id:
        return 10012
    if app_id != state.config.oa_app_id:
        return 40013
    if not redirect_uri:
        return 10011
    target = urlsplit(redirect_uri)
    if target.scheme not in ("http", "https") or target.hostname not in state.config.oauth_redirect_hosts:
        return 10003
    if response_type != "code":
        return 47003
    if not scope:
        return 10010
    if scope not in OAUTH_SCOPES:
        return 10005
    return 0


def _with_query(url: str, **params: str) -> str:
    """Return `url` with `params` added to its query string, keeping the parameters it already has."""
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


@platform.get("/sns/userinfo")
async def sns_userinfo(request: Request) -> HTTPResponse:
    state = _state(request)
    openid = state.sns_tokens.get(request.args.get("access_token", ""))
    if openid is None:
        return wechat_error(40001)
    if openid != request.args.get("openid"):
        return wechat_error(40003)
    user = state.users_by_openid[openid]
    return json({"openid": openid, "nickname": user.nickname, "sex": 0, "province": "", "city": "", "country": "",
                 "headimgurl": "", "privilege": [], "unionid": user.unionid})


@platform.get("/cgi-bin/token")
async def access_token(request: Request) -> HTTPResponse:
    state = _state(request)
    args = request.args
    if args.get("grant_type") != "client_credential":
        return wechat_error(40002)
    secret = state.secret_for(args.get("appid", ""))
    if secret is None:
        return wechat_error(40013)
    if not secrets.compare_digest(args.get("secret", ""), secret):
        return wechat_error(40125)
    return json({"access_token": state.issue_access_token(args.get("appid", "")), "expires_in": 7200})


@platform.get("/cgi-bin/user/info")
async def user_info(request: Request) -> HTTPResponse:
    state = _state(request)
    errcode = state.check_access_token(request.args.get("access_token"), state.config.oa_app_id)
    if errcode:
        return wechat_error(errcode)

    openid = request.args.get("openid", "")
    user = state.users_by_openid.get(openid)
    if user is None or user.oa_openid != openid:
        return wechat_error(40003)
    if not user.follows_official_account:
        return json({"subscribe": 0, "openid": openid})
    return json({"subscribe": 1, "openid": openid, "language": "zh_CN", "subscribe_time": 1700000000,
                 "unionid": user.unionid, "remark": "", "groupid": 0, "tagid_list": [],
                 "subscribe_scene": "ADD_SCENE_SEARCH", "qr_scene": 0, "qr_scene_str": ""})


@platform.post("/cgi-bin/message/template/send")
async def send_template(request: Request) -> HTTPResponse:
    state = _state(request)
    errcode = state.check_access_token(request.args.get("access_token"), state.config.oa_app_id)
    if errcode:
        return wechat_error(errcode)
    body = _body(request)
    if body is None:
        return wechat_error(47001)

    user = state.users_by_openid.get(str(body.get("touser", "")))
    if user is None or user.oa_openid != body.get("touser"):
        return wechat_error(40003)
    if body.get("template_id") not in state.config.template_ids:
        return wechat_error(40037)
    if not user.follows_official_account:
        return wechat_error(43004)
    invalid_field = _invalid_template_field(body.get("data"))
    if invalid_field:
        return wechat_error(47003, f"data.{invalid_field}.value invalid")
    return json({"errcode": 0, "errmsg": "ok", "msgid": _record_once(state, "template", user.oa_openid, body)})


@platform.post("/cgi-bin/message/subscribe/send")
async def send_subscribe(request: Request) -> HTTPResponse:
    state = _state(request)
    errcode = state.check_access_token(request.args.get("access_token"), state.config.mp_app_id)
    if errcode:
        return wechat_error(errcode)
    body = _body(request)
    if body is None:
        return wechat_error(47001)

    user = state.users_by_openid.get(str(body.get("touser", "")))
    if user is None or user.mp_openid != body.get("touser"):
        return wechat_error(40003)
    if body.get("template_id") not in state.config.template_ids:
        return wechat_error(40037)
    if not user.accepts_subscribe_messages:
        return wechat_error(43101)
    invalid_field = _invalid_template_field(body.get("data"))
    if invalid_field:
        return wechat_error(47003, f"data.{invalid_field}.value invalid")
    return json({"errcode": 0, "errmsg": "ok", "msgid": _record_once(state, "subscribe", user.mp_openid, body)})


def _invalid_template_field(data: Any) -> str | None:
    """Return the name of the first field the platform would reject, or None when all are valid."""
    if not isinstance(data, dict) or not data:
        return "(missing)"
    for name, item in data.items():
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str) or not value:
            return name
        if len(value) > MAX_FIELD_LENGTH or "\n" in value or "\r" in value:
            return name
        if name.startswith("character_string") and not value.isascii():
            return name
    return None


def _record_once(state: WechatMockState, kind: str, openid: str, body: dict[str, Any]) -> int:
    """Record a message, except a repeated client_msg_id for the same user, which returns the first msgid."""
    client_msg_id = body.get("client_msg_id")
    if client_msg_id:
        earlier = state.sent_client_msg_ids.get((openid, client_msg_id))
        if earlier is not None:
            return earlier
    msgid = state.record_message({"kind": kind, "openid": openid, **body})
    if client_msg_id:
        state.sent_client_msg_ids[(openid, client_msg_id)] = msgid
    return msgid
