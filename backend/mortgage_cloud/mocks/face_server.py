"""A mock face-verification provider speaking Baidu's face API protocol (v3), for tests, the demo and testers.

`POST /rest/2.0/face/v3/person/verify` runs Baidu's order: quality, then liveness, then the comparison
with the ID photo, stopping at the first failure. Images come from `mocks.face_images`, so the
outcome is fixed: the holder's live face scores 90 or more, another person's face below 40, and a
photo of a photo fails liveness with 223120. `POST /mock/failures` makes the next calls fail with a
provider error (rate limit, quota, timeout, HTTP 500).
"""

import asyncio
import base64
import binascii
import json as jsonlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, json, text

from mortgage_cloud.mocks.face_images import decode_face, face_digest, similarity
from mortgage_cloud.mocks.server import MockServer, serve, unique_app_name

TOKEN_LIFETIME_SECONDS = 2592000  # Baidu's access tokens last 30 days
FAILURE_KINDS = {
    "rate_limit": (18, "Open api qps request limit reached"),
    "quota": (17, "Open api daily request limit reached"),
    "unavailable": (2, "Service temporarily unavailable"),
    "timeout": (None, None),
    "server_error": (None, None),
}


@dataclass(frozen=True)
class FaceMockConfig:
    api_key: str
    secret_key: str


@dataclass
class FaceMockState:
    config: FaceMockConfig
    tokens: set[str] = field(default_factory=set)
    token_fetches: int = 0
    verify_calls: int = 0
    failures: list[tuple[str, float]] = field(default_factory=list)

    def clear(self) -> None:
        self.tokens.clear()
        self.token_fetches = 0
        self.verify_calls = 0
        self.failures.clear()


def config_from_settings() -> FaceMockConfig:
    """Return a config with the same API key and secret key as the platform's settings."""
    from mortgage_cloud.settings import get_settings

    settings = get_settings()
    return FaceMockConfig(api_key=settings.face_api_key, secret_key=settings.face_secret_key.get_secret_value())


def create_face_app(config: FaceMockConfig | None = None) -> Sanic:
    """Build the mock face provider app with fresh state."""
    # Sanic's own logging set-up adds a stdout handler to its loggers besides the root handler of infra.logging,
    # so each line would print twice.
    app = Sanic(unique_app_name("mock_face"), configure_logging=False)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.state = FaceMockState(config or config_from_settings())
    app.blueprint(provider)
    app.blueprint(controls)
    return app


async def start_mock_face(port: int, *, host: str = "127.0.0.1", config: FaceMockConfig | None = None) -> MockServer:
    """Start the mock face provider in this event loop; the result has `.url`, `.state` and `close()`."""
    return await serve(create_face_app(config), host=host, port=port)


provider = Blueprint("mock_face_provider")
controls = Blueprint("mock_face_controls", url_prefix="/mock")


def _state(request: Request) -> FaceMockState:
    return request.app.ctx.state


def _baidu_error(code: int | str, message: str) -> HTTPResponse:
    return json({"error_code": code, "error_msg": message, "log_id": secrets.randbits(48),
                 "timestamp": int(time.time()), "cached": 0, "result": None})


def _baidu_result(result: dict[str, Any]) -> HTTPResponse:
    return json({"error_code": 0, "error_msg": "SUCCESS", "log_id": secrets.randbits(48),
                 "timestamp": int(time.time()), "cached": 0, "result": result})


@provider.route("/oauth/2.0/token", methods=["GET", "POST"])
async def access_token(request: Request) -> HTTPResponse:
    state = _state(request)
    params = {**{k: v[0] for k, v in request.form.items()}, **{k: v[0] for k, v in request.args.items()}}
    if params.get("grant_type") != "client_credentials":
        return json({"error": "unsupported_grant_type", "error_description": "The authorization grant type is not supported"}, status=400)
    known_key = secrets.compare_digest(params.get("client_id", ""), state.config.api_key)
    known_secret = secrets.compare_digest(params.get("client_secret", ""), state.config.secret_key)
    if not (known_key and known_secret):
        return json({"error": "invalid_client", "error_description": "unknown client id or secret"}, status=401)

    token = f"24.{secrets.token_hex(16)}.{TOKEN_LIFETIME_SECONDS}.{int(time.time())}.282335-mock"
    state.tokens.add(token)
    state.token_fetches += 1
    return json({"access_token": token, "expires_in": TOKEN_LIFETIME_SECONDS, "refresh_token": "25." + secrets.token_hex(16),
                 "scope": "public brain_all_scope vis-faceverify_faceverify_v3", "session_key": secrets.token_hex(16),
                 "session_secret": secrets.token_hex(16)})


async def _injected_failure(state: FaceMockState) -> HTTPResponse | None:
    if not state.failures:
        return None
    kind, sleep_seconds = state.failures.pop(0)
    if kind == "timeout":
        await asyncio.sleep(sleep_seconds)
        return _baidu_error(2, "Service temporarily unavailable")
    if kind == "server_error":
        return text("upstream failure", status=500)
    code, message = FAILURE_KINDS[kind]
    return _baidu_error(code, message)


def _decode_image(params: dict[str, Any]) -> bytes | HTTPResponse:
    if params.get("image_type") != "BASE64":
        return _baidu_error(216100, "invalid param: this mock supports image_type BASE64 only")
    try:
        image = base64.b64decode(str(params.get("image", "")), validate=True)
    except (binascii.Error, ValueError):
        image = b""
    if not image:
        return _baidu_error(216200, "empty image")
    return image


@provider.post("/rest/2.0/face/v3/person/verify")
async def person_verify(request: Request) -> HTTPResponse:
    state = _state(request)
    state.verify_calls += 1
    failure = await _injected_failure(state)
    if failure is not None:
        return failure
    if request.args.get("access_token") not in state.tokens:
        return _baidu_error(110, "Access token invalid or no longer valid")

    try:
        params = jsonlib.loads(request.body or b"")
    except ValueError:
        return _baidu_error(216100, "invalid param: the body must be JSON")
    if not isinstance(params, dict) or not params.get("id_card_number") or not params.get("name"):
        return _baidu_error(216101, "not enough param")
    image = _decode_image(params)
    if isinstance(image, HTTPResponse):
        return image

    face = decode_face(image)
    if face is None:
        return _baidu_error(222202, "pic not has face")
    if params.get("liveness_control", "NONE") != "NONE" and not face.live:
        return _baidu_error(223120, "liveness check fail")

    expected = face_digest(str(params["id_card_number"]))
    score = similarity(face.digest, expected)
    if score == 100.0:
        score = 90.0 + expected[1] % 900 / 100  # a holder's face scores between 90 and 99
    return _baidu_result({"score": round(score, 2)})


@provider.post("/rest/2.0/face/v3/faceverify")
async def face_liveness(request: Request) -> HTTPResponse:
    state = _state(request)
    state.verify_calls += 1
    failure = await _injected_failure(state)
    if failure is not None:
        return failure
    if request.args.get("access_token") not in state.tokens:
        return _baidu_error(110, "Access token invalid or no longer valid")

    try:
        items = jsonlib.loads(request.body or b"")
    except ValueError:
        return _baidu_error(216100, "invalid param: the body must be a JSON list")
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        return _baidu_error(216101, "not enough param")
    image = _decode_image(items[0])
    if isinstance(image, HTTPResponse):
        return image

    face = decode_face(image)
    if face is None:
        return _baidu_error(222202, "pic not has face")
    liveness = 0.99 if face.live else 0.02
    return _baidu_result({"face_liveness": liveness,
                          "thresholds": {"frr_1e-4": 0.05, "frr_1e-3": 0.3, "frr_1e-2": 0.9},
                          "face_list": [{"face_token": secrets.token_hex(16), "liveness": {"livemapscore": liveness}}]})


@controls.post("/failures")
async def inject_failures(request: Request) -> HTTPResponse:
    """Make the next `count` calls fail: kind rate_limit, quota, unavailable, timeout (sleeps) or server_error."""
    body = request.json if isinstance(request.json, dict) else {}
    kind = body.get("kind", "rate_limit")
    count = body.get("count", 1)
    sleep_seconds = body.get("sleep_seconds", 10)
    if kind not in FAILURE_KINDS:
        return json({"error_msg": f"kind must be one of {', '.join(FAILURE_KINDS)}, not {kind!r}"}, status=400)
    if not isinstance(count, int) or not 1 <= count <= 1000:
        return json({"error_msg": "count must be an integer from 1 to 1000"}, status=400)
    if not isinstance(sleep_seconds, (int, float)) or not 0 <= sleep_seconds <= 120:
        return json({"error_msg": "sleep_seconds must be a number from 0 to 120"}, status=400)
    _state(request).failures.extend([(kind, float(sleep_seconds))] * count)
    return json({"queued": len(_state(request).failures)})


@controls.get("/stats")
async def stats(request: Request) -> HTTPResponse:
    """Count token fetches and verification calls."""
    state = _state(request)
    return json({"token_fetches": state.token_fetches, "verify_calls": state.verify_calls,
                 "pending_failures": len(state.failures)})


@controls.post("/clear")
async def clear(request: Request) -> HTTPResponse:
    """Forget tokens, counters and pending failures."""
    _state(request).clear()
    return json({"cleared": True})
