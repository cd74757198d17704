"""Helpers shared by the webhook tests: a receiver on 127.0.0.1, banks with a webhook URL, waiting on the queue.

This module has no tests of its own; the test_webhooks* modules import its fixtures.
"""

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from sanic import Request, Sanic
from sanic.response import HTTPResponse, text

from mortgage_cloud.applications.models import Application
from mortgage_cloud.banks.client import BankClient
from mortgage_cloud.banks.service import onboard_institution
from mortgage_cloud.identifiers import USCC_ALPHABET, make_uscc
from mortgage_cloud.mocks.server import MockServer, serve, unique_app_name
from mortgage_cloud.mocks.testing import free_port
from mortgage_cloud.notify.models import WebhookDelivery, WebhookEvent, WebhookStatus

WAIT_SECONDS = 60


@dataclass
class Receiver:
    """A bank's webhook endpoint: responds with the scripted statuses, then 200, after waiting for `hold` if set."""

    server: MockServer
    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    hold: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"{self.server.url}/hooks"


@pytest.fixture
async def receiver():
    app = Sanic(unique_app_name("webhook_receiver"))
    state = Receiver(server=None)  # type: ignore[arg-type]

    @app.post("/hooks")
    async def hooks(request: Request) -> HTTPResponse:
        state.received.append((dict(request.headers), request.body))
        if state.hold is not None:
            await state.hold.wait()
        status = state.statuses.pop(0) if state.statuses else 200
        return text("ok", status=status)

    state.server = await serve(app, port=free_port())
    yield state
    if state.hold is not None:
        state.hold.set()
    await state.server.close()


@pytest.fixture(autouse=True)
def fast_retries(settings, monkeypatch):
    monkeypatch.setattr(settings, "webhook_retry_base_seconds", 0.05)
    monkeypatch.setattr(settings, "webhook_retry_max_seconds", 0.2)


def random_uscc() -> str:
    return make_uscc(division_code="430100", organisation_code="".join(secrets.choice(USCC_ALPHABET) for _ in range(9)))


@dataclass
class Bank:
    institution_id: str
    client: BankClient


@pytest.fixture
async def make_bank(runtime, server_url):
    clients: list[BankClient] = []

    async def create(webhook_url: str | None) -> Bank:
        result = await onboard_institution(name="长沙测试银行股份有限公司", uscc=random_uscc(), kind="bank",
                                           webhook_url=webhook_url)
        client = BankClient(server_url, institution_id=str(result.institution.id), serial_no=result.serial_no,
                            private_key_pem=result.private_key_pem, algorithm=str(result.certificate.algorithm))
        clients.append(client)
        return Bank(institution_id=str(result.institution.id), client=client)

    yield create
    for client in clients:
        await client.aclose()


async def wait_for(condition: Callable[[], Awaitable[bool]]) -> None:
    """Poll until the condition holds; fail after WAIT_SECONDS so that a broken queue cannot hang the suite."""
    for _ in range(WAIT_SECONDS * 20):
        if await condition():
            return
        await asyncio.sleep(0.05)
    pytest.fail("condition not reached in time")


async def event_of(application: Application) -> WebhookEvent:
    async def exists() -> bool:
        return await WebhookEvent.filter(application_id=application.id).exists()

    await wait_for(exists)
    return await WebhookEvent.get(application_id=application.id)


async def settled(event: WebhookEvent) -> WebhookEvent:
    """Wait until the event is delivered or failed for good, and return it fresh."""
    async def done() -> bool:
        await event.refresh_from_db()
        return event.status != WebhookStatus.PENDING

    await wait_for(done)
    return event


async def deliveries(event: WebhookEvent) -> list[WebhookDelivery]:
    return await WebhookDelivery.filter(event_id=event.id).order_by("attempt")
