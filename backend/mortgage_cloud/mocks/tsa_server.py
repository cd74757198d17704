"""A mock RFC 3161 time-stamping authority over HTTP, for tests, the demo and testers.

`POST /` takes an `application/timestamp-query` body and returns an `application/timestamp-reply`
(RFC 3161 section 3.4). The TSA certificate comes from the mock's own test CA, served at
`GET /mock/ca.pem`, so the platform must be configured to trust that CA for timestamps.
`POST /mock/failures` makes the next requests fail, optionally after a few normal replies. A failure is
a timeout, an HTTP 500, a body that is not a reply, or a rejection. It may also be a token made for
another request (other nonce or imprint) or signed by an untrusted TSA.
"""

import asyncio
import logging
from dataclasses import dataclass, field

from asn1crypto import tsp
from pyhanko.sign.timestamps import DummyTimeStamper
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, json, raw, text

from mortgage_cloud.mocks.server import MockServer, serve, unique_app_name
from mortgage_cloud.mocks.tsa_authority import (RefusalReply, TsaAuthority, create_authority, rejection,
                                                request_problem, with_other_imprint, with_other_nonce)

log = logging.getLogger(__name__)

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
# A query contains one digest, a nonce and a few flags, so well under 1 KB.
MAX_QUERY_BYTES = 16 * 1024
FAILURE_KINDS = ("timeout", "server_error", "bad_reply", "rejection", "wrong_nonce", "wrong_imprint",
                 "untrusted_signer")
NORMAL_REPLY = "normal_reply"  # a queued entry that gets a normal token, so that failures can start later


@dataclass
class TsaMockState:
    authority: TsaAuthority
    timestamper: DummyTimeStamper
    requests: int = 0
    tokens_issued: int = 0
    failures: list[tuple[str, float]] = field(default_factory=list)
    untrusted_timestamper: DummyTimeStamper | None = None

    @property
    def ca_pem(self) -> str:
        """The test CA certificate in PEM, for the platform's `tsa_ca_certificate` setting."""
        return self.authority.ca_pem

    def clear(self) -> None:
        self.requests = 0
        self.tokens_issued = 0
        self.failures.clear()


def create_tsa_app(authority: TsaAuthority | None = None) -> Sanic:
    """Build the mock TSA app; without `authority` it creates a fresh test CA and TSA certificate."""
    authority = authority or create_authority()
    # Sanic's own logging set-up adds a stdout handler to its loggers besides the root handler of infra.logging,
    # so each line would print twice.
    app = Sanic(unique_app_name("mock_tsa"), configure_logging=False)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.REQUEST_MAX_SIZE = MAX_QUERY_BYTES
    app.ctx.state = TsaMockState(authority=authority, timestamper=authority.timestamper())
    app.blueprint(authority_routes)
    app.blueprint(controls)
    return app


async def start_mock_tsa(port: int, *, host: str = "127.0.0.1", authority: TsaAuthority | None = None) -> MockServer:
    """Start the mock TSA in this event loop; the result has `.url`, `.state` (with `ca_pem`) and `close()`."""
    return await serve(create_tsa_app(authority), host=host, port=port)


authority_routes = Blueprint("mock_tsa_authority")
controls = Blueprint("mock_tsa_controls", url_prefix="/mock")


def _state(request: Request) -> TsaMockState:
    return request.app.ctx.state


def _reply(response: tsp.TimeStampResp | RefusalReply) -> HTTPResponse:
    return raw(response.dump(), content_type=REPLY_TYPE)


@authority_routes.post("/")
async def timestamp(request: Request) -> HTTPResponse:
    state = _state(request)
    state.requests += 1
    if request.headers.get("content-type", "").split(";")[0].strip() != QUERY_TYPE:
        return text(f"the body must be {QUERY_TYPE}", status=415)

    try:
        query = tsp.TimeStampReq.load(request.body)
        problem = request_problem(query)
    except (ValueError, TypeError) as error:
        log.info("mock TSA rejected a malformed query", extra={"error": str(error)})
        return _reply(rejection("bad_data_format", "the query is not a DER TimeStampReq"))
    if problem is not None:
        fail_info, reason = problem
        return _reply(rejection(fail_info, reason))

    if state.failures:
        return await _injected_failure(state, query)
    state.tokens_issued += 1
    return _reply(state.timestamper.request_tsa_response(query))


async def _injected_failure(state: TsaMockState, query: tsp.TimeStampReq) -> HTTPResponse:
    kind, sleep_seconds = state.failures.pop(0)
    if kind == NORMAL_REPLY:
        state.tokens_issued += 1
        return _reply(state.timestamper.request_tsa_response(query))
    if kind == "timeout":
        await asyncio.sleep(sleep_seconds)
        return _reply(state.timestamper.request_tsa_response(query))
    if kind == "server_error":
        return text("time-stamping service failure", status=500)
    if kind == "bad_reply":
        return raw(b"\x30\x03\x02\x01", content_type=REPLY_TYPE)  # a truncated DER sequence
    if kind == "rejection":
        return _reply(rejection("system_failure", "the TSA clock is not synchronised"))
    if kind == "wrong_nonce":
        return _reply(state.timestamper.request_tsa_response(with_other_nonce(query)))
    if kind == "wrong_imprint":
        return _reply(state.timestamper.request_tsa_response(with_other_imprint(query)))

    if state.untrusted_timestamper is None:
        state.untrusted_timestamper = create_authority("未受信任的时间戳服务").timestamper()
    return _reply(state.untrusted_timestamper.request_tsa_response(query))


@controls.get("/ca.pem")
async def ca_certificate(request: Request) -> HTTPResponse:
    """Return the test CA certificate that issued the TSA certificate."""
    return text(_state(request).ca_pem, content_type="application/x-pem-file")


@controls.post("/failures")
async def inject_failures(request: Request) -> HTTPResponse:
    """Make `count` timestamp requests fail in the given way, after `after` normal replies.

    A timeout sleeps `sleep_seconds` before it replies.
    """
    body = request.json if isinstance(request.json, dict) else {}
    kind = body.get("kind", "server_error")
    count = body.get("count", 1)
    after = body.get("after", 0)
    sleep_seconds = body.get("sleep_seconds", 10)
    if kind not in FAILURE_KINDS:
        return json({"error": f"kind must be one of {', '.join(FAILURE_KINDS)}, not {kind!r}"}, status=400)
    if not isinstance(count, int) or not 1 <= count <= 1000:
        return json({"error": "count must be an integer from 1 to 1000"}, status=400)
    if not isinstance(after, int) or not 0 <= after <= 1000:
        return json({"error": "after must be an integer from 0 to 1000"}, status=400)
    if not isinstance(sleep_seconds, (int, float)) or not 0 <= sleep_seconds <= 120:
        return json({"error": "sleep_seconds must be a number from 0 to 120"}, status=400)

    _state(request).failures.extend([(NORMAL_REPLY, 0.0)] * after + [(kind, float(sleep_seconds))] * count)
    return json({"queued": len(_state(request).failures)})


@controls.get("/stats")
async def stats(request: Request) -> HTTPResponse:
    """Count timestamp requests and the tokens issued for them."""
    state = _state(request)
    return json({"requests": state.requests, "tokens_issued": state.tokens_issued,
                 "pending_failures": len(state.failures)})


@controls.post("/clear")
async def clear(request: Request) -> HTTPResponse:
    """Reset the counters and drop pending failures."""
    _state(request).clear()
    return json({"cleared": True})
