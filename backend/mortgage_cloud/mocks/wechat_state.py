"""The in-memory world of the mock WeChat platform: users, login codes, access tokens and sent messages."""

import secrets
import time
from dataclasses import dataclass
from typing import Any

CODE_LIFETIME_SECONDS = 300  # WeChat login and OAuth codes expire after 5 minutes
ACCESS_TOKEN_LIFETIME_SECONDS = 7200


@dataclass(frozen=True)
class WechatMockConfig:
    """App ids, secrets and templates the mock accepts; the defaults equal the platform's settings."""

    mp_app_id: str
    mp_secret: str
    oa_app_id: str
    oa_secret: str
    template_ids: tuple[str, ...]
    token_grace_seconds: float = 300.0
    # Hosts that a web OAuth redirect_uri may point at, as the official account's web authorisation
    # domain (网页授权域名) restricts them. The port is not compared.
    oauth_redirect_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")


@dataclass
class MockUser:
    unionid: str
    mp_openid: str
    oa_openid: str
    follows_official_account: bool = True
    snapshot_user: bool = False
    accepts_subscribe_messages: bool = True
    nickname: str = "微信用户"

    def to_dict(self) -> dict[str, Any]:
        return {
            "unionid": self.unionid,
            "mini_program_openid": self.mp_openid,
            "official_account_openid": self.oa_openid,
            "follows_official_account": self.follows_official_account,
            "snapshot_user": self.snapshot_user,
            "accepts_subscribe_messages": self.accepts_subscribe_messages,
        }


@dataclass
class LoginCode:
    unionid: str
    kind: str  # "mini_program" or "oauth"
    expires_at: float
    used: bool = False


@dataclass
class TokenRecord:
    app_id: str
    expires_at: float
    superseded_at: float | None = None
    revoked_errcode: int | None = None  # set by the tester control: 40001 invalid or 42001 expired


class WechatMockState:
    """Everything the mock remembers between requests."""

    def __init__(self, config: WechatMockConfig) -> None:
        self.config = config
        self.clear()

    def clear(self) -> None:
        """Forget every user, code, token and recorded message."""
        self.users: dict[str, MockUser] = {}
        self.users_by_openid: dict[str, MockUser] = {}
        self.codes: dict[str, LoginCode] = {}
        self.tokens: dict[str, TokenRecord] = {}
        self.current_token: dict[str, str] = {}
        self.sns_tokens: dict[str, str] = {}
        self.messages: list[dict[str, Any]] = []
        self.sent_client_msg_ids: dict[tuple[str, str], int] = {}
        self.token_fetches: dict[str, int] = {}
        self._message_ids = 1000

    def secret_for(self, app_id: str) -> str | None:
        return {self.config.mp_app_id: self.config.mp_secret, self.config.oa_app_id: self.config.oa_secret}.get(app_id)

    def create_user(self, *, follows: bool, snapshot: bool, accepts_subscribe: bool) -> MockUser:
        user = MockUser(
            unionid="mock-union-" + secrets.token_hex(8),
            mp_openid="mock-mp-" + secrets.token_hex(8),
            oa_openid="mock-oa-" + secrets.token_hex(8),
            follows_official_account=follows,
            snapshot_user=snapshot,
            accepts_subscribe_messages=accepts_subscribe,
        )
        self.users[user.unionid] = user
        self.users_by_openid[user.mp_openid] = user
        self.users_by_openid[user.oa_openid] = user
        return user

    def issue_code(self, *, unionid: str, kind: str) -> str:
        code = "mock-code-" + secrets.token_urlsafe(12)
        self.codes[code] = LoginCode(unionid=unionid, kind=kind, expires_at=time.monotonic() + CODE_LIFETIME_SECONDS)
        return code

    def redeem_code(self, code: str, *, kind: str) -> tuple[MockUser | None, int]:
        """Use a code once; return the user and 0, or None and WeChat's errcode (40029 invalid, 40163 used)."""
        record = self.codes.get(code)
        if record is None or record.kind != kind or record.expires_at <= time.monotonic():
            return None, 40029
        if record.used:
            return None, 40163
        record.used = True
        return self.users[record.unionid], 0

    def issue_access_token(self, app_id: str) -> str:
        """Issue a new token; the previous one stays valid for the grace period, as on the real platform."""
        now = time.monotonic()
        previous = self.current_token.get(app_id)
        if previous is not None:
            self.tokens[previous].superseded_at = now
        token = "mock-token-" + secrets.token_urlsafe(24)
        self.tokens[token] = TokenRecord(app_id=app_id, expires_at=now + ACCESS_TOKEN_LIFETIME_SECONDS)
        self.current_token[app_id] = token
        self.token_fetches[app_id] = self.token_fetches.get(app_id, 0) + 1
        return token

    def check_access_token(self, token: str | None, app_id: str | None = None) -> int:
        """Return 0 for a usable token, 40001 for an unknown or superseded one, 42001 for an expired one."""
        record = self.tokens.get(token or "")
        if record is None or (app_id is not None and record.app_id != app_id):
            return 40001
        now = time.monotonic()
        if record.revoked_errcode is not None:
            return record.revoked_errcode
        if record.expires_at <= now:
            return 42001
        if record.superseded_at is not None and now - record.superseded_at > self.config.token_grace_seconds:
            return 40001
        return 0

    def token_app(self, token: str | None) -> str | None:
        record = self.tokens.get(token or "")
        return record.app_id if record else None

    def revoke_all_tokens(self, errcode: int) -> int:
        """Make every issued token fail with errcode (40001 invalid, 42001 expired); return how many."""
        for record in self.tokens.values():
            record.revoked_errcode = errcode
        return len(self.tokens)

    def record_message(self, message: dict[str, Any]) -> int:
        self._message_ids += 1
        self.messages.append({**message, "msgid": self._message_ids, "received_at": time.time()})
        return self._message_ids
