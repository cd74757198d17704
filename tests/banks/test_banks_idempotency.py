"""Idempotent POSTs, tested through a small blueprint served by the real app over HTTP."""

import asyncio
import itertools
import json as jsonlib
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.app import create_app
from mortgage_cloud.banks.auth import bank_required
from mortgage_cloud.banks.idempotency import idempotent
from mortgage_cloud.banks.models import IdempotencyRecord
from mortgage_cloud.errors import Conflict
from mortgage_cloud.infra.runtime import Runtime
from mortgage_cloud.settings import Settings
_counter = itertools.count(1)
_release_slow = asyncio.Event()
_failures = {"remaining": 0}

test_bp = Blueprint("idempotency_test", url_prefix="/bank/v1/test")


@test_bp.post("/orders")
@bank_required
@idempotent
async def create_order(request: Request) -> HTTPResponse:
    return json({"order_no": next(_counter), "request": request.json}, status=201)


@test_bp.post("/refusals")
@bank_required
@idempotent
async def refuse(request: Request) -> HTTPResponse:
    raise Conflict("测试用的拒绝。", code="TEST_REFUSED", attempt=next(_counter))


@test_bp.post("/slow")
@bank_required
@idempotent
async def slow(request: Request) -> HTTPResponse:
    await asyncio.wait_for(_release_slow.wait(), timeout=10)
    return json({"order_no": next(_counter)})


@test_bp.post("/flaky")
@bank_required
@idempotent
async def flaky(request: Request) -> HTTPResponse:
    if _failures["remaining"] > 0:
        _failures["remaining"] -= 1
        raise RuntimeError("simulated crash")
    return json({"order_no": next(_counter)})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def json_bytes(value: object) -> bytes:
    return jsonlib.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@pytest.fixture(scope="module")
async def test_server(runtime: Runtime, settings: Settings) -> AsyncIterator[str]:
    app = create_app(settings, manage_runtime=False)
    app.blueprint(test_bp)
    # Sanic's start-up code rewriting fails when a second app starts in the same process.
    app.config.TOUCHUP = False
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.start_serving()
    yield f"http://127.0.0.1:{port}"
    await server.close()


@pytest.fixture
async def http(test_server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=test_server, timeout=30) as client:
        yield client


async def _post(http: httpx.AsyncClient, bank, path: str, payload: object, key: str | None) -> httpx.Response:
    body = json_bytes(payload)
    headers = bank.headers("POST", path, body) | {"Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return await http.post(path, content=body, headers=headers)


async def test_post_without_key_rejected(http: httpx.AsyncClient, bank) -> None:
    response = await _post(http, bank, "/bank/v1/test/orders", {"amount": "1.00"}, None)
    assert (response.status_code, response.json()["code"]) == (400, "IDEMPOTENCY_KEY_MISSING")


async def test_post_with_invalid_key_rejected(http: httpx.AsyncClient, bank) -> None:
    response = await _post(http, bank, "/bank/v1/test/orders", {"amount": "1.00"}, "has space")
    assert response.json()["code"] == "IDEMPOTENCY_KEY_INVALID"


async def test_retry_returns_first_answer(http: httpx.AsyncClient, bank) -> None:
    first = await _post(http, bank, "/bank/v1/test/orders", {"amount": "1.00"}, "order-1")
    retry = await _post(http, bank, "/bank/v1/test/orders", {"amount": "1.00"}, "order-1")
    assert first.status_code == 201
    assert (retry.status_code, retry.content) == (201, first.content)


async def test_retry_marked_replayed(http: httpx.AsyncClient, bank) -> None:
    await _post(http, bank, "/bank/v1/test/orders", {"amount": "2.00"}, "order-2")
    retry = await _post(http, bank, "/bank/v1/test/orders", {"amount": "2.00"}, "order-2")
    assert retry.headers["Idempotent-Replayed"] == "true"


async def test_new_key_runs_again(http: httpx.AsyncClient, bank) -> None:
    first = await _post(http, bank, "/bank/v1/test/orders", {"amount": "3.00"}, "order-3a")
    second = await _post(http, bank, "/bank/v1/test/orders", {"amount": "3.00"}, "order-3b")
    assert first.json()["order_no"] != second.json()["order_no"]


async def test_same_key_other_institution_independent(http: httpx.AsyncClient, bank, onboard) -> None:
    other = await onboard()
    first = await _post(http, bank, "/bank/v1/test/orders", {"amount": "4.00"}, "shared-key")
    second = await _post(http, other, "/bank/v1/test/orders", {"amount": "4.00"}, "shared-key")
    assert first.json()["order_no"] != second.json()["order_no"]


async def test_same_key_different_body_rejected(http: httpx.AsyncClient, bank) -> None:
    await _post(http, bank, "/bank/v1/test/orders", {"amount": "5.00"}, "order-5")
    reused = await _post(http, bank, "/bank/v1/test/orders", {"amount": "500.00"}, "order-5")
    assert (reused.status_code, reused.json()["code"]) == (409, "IDEMPOTENCY_KEY_REUSED")


async def test_same_key_different_path_rejected(http: httpx.AsyncClient, bank) -> None:
    await _post(http, bank, "/bank/v1/test/orders", {"amount": "6.00"}, "order-6")
    reused = await _post(http, bank, "/bank/v1/test/refusals", {"amount": "6.00"}, "order-6")
    assert reused.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_refusal_replayed(http: httpx.AsyncClient, bank) -> None:
    first = await _post(http, bank, "/bank/v1/test/refusals", {}, "refusal-1")
    retry = await _post(http, bank, "/bank/v1/test/refusals", {}, "refusal-1")
    assert first.json()["code"] == "TEST_REFUSED"
    assert (retry.status_code, retry.content) == (409, first.content)


async def test_concurrent_same_key_in_progress(http: httpx.AsyncClient, bank) -> None:
    _release_slow.clear()
    first = asyncio.create_task(_post(http, bank, "/bank/v1/test/slow", {}, "slow-1"))
    while not await IdempotencyRecord.exists(key="slow-1"):
        await asyncio.sleep(0.01)

    second = await _post(http, bank, "/bank/v1/test/slow", {}, "slow-1")
    _release_slow.set()
    finished = await first
    after = await _post(http, bank, "/bank/v1/test/slow", {}, "slow-1")
    assert (second.status_code, second.json()["code"]) == (409, "IDEMPOTENCY_IN_PROGRESS")
    assert finished.status_code == 200
    assert after.content == finished.content


async def test_crash_releases_key(http: httpx.AsyncClient, bank) -> None:
    _failures["remaining"] = 1
    crashed = await _post(http, bank, "/bank/v1/test/flaky", {}, "flaky-1")
    retry = await _post(http, bank, "/bank/v1/test/flaky", {}, "flaky-1")
    assert crashed.status_code == 500
    assert retry.status_code == 200


async def test_replay_signed_afresh(http: httpx.AsyncClient, bank) -> None:
    first = await _post(http, bank, "/bank/v1/test/orders", {"amount": "7.00"}, "order-7")
    retry = await _post(http, bank, "/bank/v1/test/orders", {"amount": "7.00"}, "order-7")
    assert first.headers["Mc-Nonce"] != retry.headers["Mc-Nonce"]


async def test_get_needs_no_key(http: httpx.AsyncClient, bank) -> None:
    response = await http.get("/bank/v1/institution", headers=bank.headers("GET", "/bank/v1/institution"))
    assert response.status_code == 200


async def test_client_retry_same_key(test_server: str, bank) -> None:
    async with bank.client(test_server) as client:
        first = await client.post("/bank/v1/test/orders", {"amount": "8.00"}, idempotency_key="client-8")
        retry = await client.post("/bank/v1/test/orders", {"amount": "8.00"}, idempotency_key="client-8")
    assert retry == first


async def test_client_adds_key(test_server: str, bank) -> None:
    async with bank.client(test_server) as client:
        created = await client.post("/bank/v1/test/orders", {"amount": "9.00"})
    assert created["request"] == {"amount": "9.00"}


async def test_maintenance_purges_expired_records(http: httpx.AsyncClient, bank, settings: Settings) -> None:
    from datetime import datetime, timedelta, timezone

    from mortgage_cloud.maintenance import run_maintenance

    old_key, fresh_key = f"old-{next(_counter)}", f"fresh-{next(_counter)}"
    for key in (old_key, fresh_key):
        await _post(http, bank, "/bank/v1/test/orders", {"item": key}, key)
    expired = datetime.now(timezone.utc) - timedelta(hours=settings.idempotency_retention_hours + 1)
    await IdempotencyRecord.filter(key=old_key).update(created_at=expired)

    await run_maintenance()

    assert not await IdempotencyRecord.filter(key=old_key).exists()
    assert await IdempotencyRecord.filter(key=fresh_key).exists()
