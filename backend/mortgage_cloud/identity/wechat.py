"""WeChat API clients on wechatpy: mini-program login, official-account web OAuth and a shared access token.

wechatpy is synchronous (requests), so every call runs in a thread. The access token of each app is
cached in `runtime().cache` (Redis when configured, so all workers share it) and fetched under
`cache.lock`, because fetching a new token invalidates the previous one after a grace period.
"""

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from wechatpy import WeChatClient, WeChatOAuth
from wechatpy.exceptions import WeChatClientException, WeChatOAuthException

from mortgage_cloud.errors import ProviderUnavailable
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.settings import Settings

log = logging.getLogger(__name__)

TOKEN_ERRCODES = {40001, 42001}  # invalid or expired access token: refresh once, retry once
REQUEST_TIMEOUT_SECONDS = 5.0
TOKEN_EARLY_REFRESH_SECONDS = 300

T = TypeVar("T")


@dataclass(frozen=True)
class WechatApp:
    """One WeChat app's credentials and the base URL of the API it calls."""

    kind: str  # mini_program or official_account
    app_id: str
    secret: str
    api_base: str

    @property
    def token_key(self) -> str:
        return f"wechat:access_token:{self.app_id}"


def mini_program_app(settings: Settings | None = None) -> WechatApp:
    """Return the mini-program's credentials from the settings."""
    settings = settings or runtime().settings
    return WechatApp("mini_program", settings.wechat_mp_app_id, settings.wechat_mp_secret.get_secret_value(),
                     settings.wechat_api_base.rstrip("/"))


def official_account_app(settings: Settings | None = None) -> WechatApp:
    """Return the official account's credentials from the settings."""
    settings = settings or runtime().settings
    return WechatApp("official_account", settings.wechat_oa_app_id, settings.wechat_oa_secret.get_secret_value(),
                     settings.wechat_api_base.rstrip("/"))


class PlatformClient(WeChatClient):
    """wechatpy's client pointed at a configurable base URL, with retries left to this module."""

    def __init__(self, app: WechatApp, *, access_token: str | None = None) -> None:
        super().__init__(app.app_id, app.secret, access_token=access_token, timeout=REQUEST_TIMEOUT_SECONDS,
                         auto_retry=False)
        self.api_base = app.api_base
        self.API_BASE_URL = f"{app.api_base}/cgi-bin/"
        self.wxa.API_BASE_URL = f"{app.api_base}/"
        _settle_environment(self._http, app.api_base)

    def fetch_access_token(self) -> dict[str, Any]:
        """Fetch a new access token from the configured base URL (wechatpy has the real URL written in)."""
        return self._fetch_access_token(
            url=f"{self.api_base}/cgi-bin/token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


def _settle_environment(session: requests.Session, base_url: str) -> None:
    """Read the proxy and CA bundle settings from the environment once, instead of at every request.

    requests otherwise looks them up, and for a .netrc file, at each call: 0.26 ms of the 0.86 ms of
    CPU a call took against the mock server. Every call of one client goes to one host, so one lookup holds.
    """
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.trust_env = False


def oauth_client(settings: Settings | None = None, *, redirect_uri: str = "", state: str = "") -> WeChatOAuth:
    """Return wechatpy's web OAuth client for the official account, pointed at the configured base URLs."""
    settings = settings or runtime().settings
    client = WeChatOAuth(settings.wechat_oa_app_id, settings.wechat_oa_secret.get_secret_value(),
                         redirect_uri=redirect_uri, scope="snsapi_base", state=state)
    client.API_BASE_URL = f"{settings.wechat_api_base.rstrip('/')}/"
    client.OAUTH_BASE_URL = f"{settings.wechat_open_base.rstrip('/')}/connect/"
    return client


async def access_token(app: WechatApp) -> str:
    """Return the app's cached access token, fetching one when none is cached."""
    cached = await runtime().cache.get(app.token_key)
    if cached:
        return cached
    return await refresh_access_token(app, stale=None)


async def refresh_access_token(app: WechatApp, *, stale: str | None) -> str:
    """Fetch a new token under the shared lock, unless another worker already replaced `stale`."""
    cache = runtime().cache
    async with cache.lock(app.token_key, timeout=REQUEST_TIMEOUT_SECONDS * 3):
        current = await cache.get(app.token_key)
        if current and current != stale:
            return current

        log.info("fetching WeChat access token", extra={"app_id": app.app_id, "wechat_app": app.kind})
        client = PlatformClient(app)
        result = await _in_thread(client.fetch_access_token)
        token = result["access_token"]
        expires_in = int(result.get("expires_in", 7200))
        await cache.set(app.token_key, token, ttl=max(60, expires_in - TOKEN_EARLY_REFRESH_SECONDS))
        return token


async def call_api(app: WechatApp, call: Callable[[PlatformClient], T]) -> T:
    """Run a wechatpy call with the shared token; on 40001/42001 refresh the token once and retry once."""
    token = await access_token(app)
    try:
        return await _in_thread(_call_with_client, app, token, call)
    except WeChatClientException as error:
        if error.errcode not in TOKEN_ERRCODES:
            raise
        log.info("WeChat rejected the access token, refreshing", extra={"app_id": app.app_id, "errcode": error.errcode})

    token = await refresh_access_token(app, stale=token)
    return await _in_thread(_call_with_client, app, token, call)


_thread_clients = threading.local()


def _call_with_client(app: WechatApp, token: str, call: Callable[[PlatformClient], T]) -> T:
    """Run `call` with this thread's client for the app and token.

    Each worker thread keeps its own client, because requests does not document its session as
    thread-safe. Keeping the client reuses its session's connections instead of opening one per call.
    """
    clients: dict[WechatApp, tuple[str, PlatformClient]] = _thread_clients.__dict__.setdefault("clients", {})
    cached = clients.get(app)
    if cached is None or cached[0] != token:
        cached = (token, PlatformClient(app, access_token=token))
        clients[app] = cached
    return call(cached[1])


async def code_to_session(code: str) -> dict[str, Any]:
    """Exchange a mini-program login code for openid, unionid and session_key (which must stay on the server)."""
    app = mini_program_app()
    # wechatpy adds an access_token parameter to every request, jscode2session included.
    return await call_api(app, lambda client: client.wxa.code_to_session(code))


async def exchange_oauth_code(code: str) -> dict[str, Any]:
    """Exchange an official-account web OAuth code for the user's openid, unionid and snapshot flag."""
    client = oauth_client()
    return await _in_thread(client.fetch_access_token, code)


async def official_account_user(openid: str) -> dict[str, Any]:
    """Return `/cgi-bin/user/info` for a follower of the official account (unionid only while following)."""
    return await call_api(official_account_app(), lambda client: client.user.get(openid))


async def _in_thread(function: Callable[..., T], *args: Any) -> T:
    """Run a blocking wechatpy call in a thread; a network failure becomes ProviderUnavailable."""
    try:
        return await asyncio.to_thread(function, *args)
    except (WeChatClientException, WeChatOAuthException) as error:
        if error.errcode is None:
            log.warning("WeChat returned an HTTP error status", extra={"status": _status_of(error)})
            raise ProviderUnavailable("微信服务暂时不可用，请稍后重试。", code="WECHAT_UNAVAILABLE") from error
        raise
    except requests.RequestException as error:
        log.warning("WeChat could not be reached", extra={"error": type(error).__name__})
        raise ProviderUnavailable("微信服务暂时不可用，请稍后重试。", code="WECHAT_UNAVAILABLE") from error


def _status_of(error: Exception) -> int | None:
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None)
