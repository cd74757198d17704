"""Webhooks of applications driven end to end over HTTP (the demo's case driver) through the whole pipeline."""

import asyncio

import pytest

from mortgage_cloud.applications.models import ApplicationEvent
from mortgage_cloud.demo.cases import Bank as DemoBank
from mortgage_cloud.demo.cases import Case, DemoContext, prepare_case
from mortgage_cloud.notify.models import WebhookEvent, WebhookStatus
from test_webhooks_support import (  # noqa: F401 - fixtures are found by name
    Receiver, fast_retries, make_bank, receiver, wait_for,
)


@pytest.fixture(scope="module")
def clean_units(unit_pool) -> list[str]:
    """Clean single-owner units from the session's pool, which hands each unit to one test only."""
    return unit_pool["clean_single_owner"]


@pytest.fixture
async def submit_clean_case(server_url, mock_wechat, mock_face, make_bank, clean_units):
    """Prepare a clean case for a bank whose webhook URL is the given one, submit it, and return its final status."""
    opened = []

    async def run(webhook_url: str) -> dict:
        bank = await make_bank(webhook_url)
        case = Case("clean_single_owner", "单独所有，无限制", clean_units.pop(),
                    DemoBank(name="长沙测试银行股份有限公司", institution_id=bank.institution_id, client=bank.client))
        prepared = await prepare_case(DemoContext(app_url=server_url, wechat_url=mock_wechat.url), case)
        opened.append(prepared)
        application_id = prepared.drafts[0][1]["id"]
        response = await prepared.primary.submit(application_id)
        assert response.status_code == 202, response.text
        return await prepared.primary.wait_for_outcome(application_id, timeout=120)

    yield run
    for prepared in opened:
        await prepared.aclose()


async def test_webhook_pipeline_every_state_delivered(submit_clean_case, receiver: Receiver):
    status = await submit_clean_case(receiver.url)
    # Creation (to draft) is the bank's own synchronous call, so only later changes send webhooks.
    states = set(await ApplicationEvent.filter(application_id=status["id"], from_state__isnull=False)
                 .values_list("to_state", flat=True))

    async def all_delivered() -> bool:
        events = await WebhookEvent.filter(application_id=status["id"], status=WebhookStatus.DELIVERED).count()
        return events == len(states)

    await wait_for(all_delivered)
    assert status["state"] == "archived"
    assert set(await WebhookEvent.filter(application_id=status["id"]).values_list("state", flat=True)) == states


async def test_webhook_pipeline_archived_event_has_proof(submit_clean_case, receiver: Receiver):
    status = await submit_clean_case(receiver.url)

    async def archived_event_exists() -> bool:
        return await WebhookEvent.filter(application_id=status["id"], state="archived").exists()

    await wait_for(archived_event_exists)
    event = await WebhookEvent.get(application_id=status["id"], state="archived")
    assert event.payload["data"]["proof_no"] == status["proof_no"]
    assert event.payload["data"]["state_label"] == "已归档"


async def test_webhook_slow_receiver_does_not_hold_pipeline(submit_clean_case, receiver: Receiver, settings,
                                                            monkeypatch):
    # The receiver never responds during the test, so every attempt waits for the full 5 s timeout,
    # and with this many attempts allowed every event is still pending when the application is archived.
    monkeypatch.setattr(settings, "webhook_max_attempts", 1000)
    receiver.hold = asyncio.Event()
    status = await submit_clean_case(receiver.url)
    statuses = await WebhookEvent.filter(application_id=status["id"]).values_list("status", flat=True)
    assert status["state"] == "archived"
    assert statuses
    assert set(statuses) == {WebhookStatus.PENDING}
