"""Signed bank webhooks against a receiver served on 127.0.0.1: delivery, signature, retries, the delivery log API."""

import asyncio
import base64
import json
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from mortgage_cloud.applications.models import Application
from mortgage_cloud.applications.states import State
from mortgage_cloud.applications.transitions import transition
from mortgage_cloud.banks.client import BankApiError
from mortgage_cloud.banks.models import Institution
from mortgage_cloud.banks.signature import response_signing_message
from mortgage_cloud.consent.models import Consent
from mortgage_cloud.identity.models import Borrower
from mortgage_cloud.mocks.testing import free_port
from mortgage_cloud.notify.models import WebhookDelivery, WebhookEvent, WebhookStatus
from mortgage_cloud.notify.webhooks import create_event
from mortgage_cloud.notify.webhooks_delivery import retry_delay
from mortgage_cloud.notify.webhooks_recovery import resume_webhook_deliveries
from test_webhooks_support import (  # noqa: F401 - fixtures are found by name
    Bank, Receiver, deliveries, event_of, fast_retries, make_bank, receiver, settled, wait_for,
)


async def new_application(institution_id: str) -> Application:
    """Store a draft application directly, because these tests need only its rows, not the flow that makes them."""
    borrower = await Borrower.create(name="张三")
    now = datetime.now(timezone.utc)
    consent = await Consent.create(borrower=borrower, institution_id=institution_id, scope="property_query",
                                   purpose="抵押登记", granted_at=now, expires_at=now + timedelta(days=30),
                                   agreement_version="1", agreement_sha256="0" * 64)
    return await Application.create(
        application_no=f"MC{uuid.uuid4().hex[:20].upper()}", institution_id=institution_id, borrower=borrower,
        consent=consent, unit_no="430102003001GB00001F00010001", mortgage_type="general", debt_start=date(2027, 1, 1),
        debt_end=date(2047, 1, 1), guarantee_scope="主债权及利息", loan_contract_no="JK-2027-0001", debtor_name="张三",
    )


async def make_documents_ready(application: Application) -> None:
    moved = await transition(application.id, from_states=[State.DRAFT], to_state=State.DOCUMENTS_READY, actor="test")
    assert moved


async def delivered_event(make_bank, receiver: Receiver) -> tuple[Bank, Application, WebhookEvent]:
    bank = await make_bank(receiver.url)
    application = await new_application(bank.institution_id)
    await make_documents_ready(application)
    return bank, application, await settled(await event_of(application))


def verify_webhook(headers: dict[str, str], body: bytes, certificates: dict) -> bool:
    """Verify a webhook as a bank would: the `Mc-*` signature with the platform certificate its serial names."""
    listed = {item["serial_no"]: item["certificate_pem"] for item in certificates["certificates"]}
    certificate = x509.load_pem_x509_certificate(listed[headers["mc-serial"]].encode())
    ca = x509.load_pem_x509_certificate(certificates["ca_certificate_pem"].encode())
    certificate.verify_directly_issued_by(ca)
    message = response_signing_message(timestamp=int(headers["mc-timestamp"]), nonce=headers["mc-nonce"], body=body)
    try:
        certificate.public_key().verify(base64.b64decode(headers["mc-signature"]), message, ec.ECDSA(hashes.SHA256()))
    except Exception:
        return False
    return True


async def test_webhook_delivered_once(make_bank, receiver):
    _, _, event = await delivered_event(make_bank, receiver)
    assert event.status == WebhookStatus.DELIVERED
    assert len(receiver.received) == 1
    assert event.delivered_at is not None


async def test_webhook_signature_verifies(make_bank, receiver, client):
    await delivered_event(make_bank, receiver)
    headers, body = receiver.received[0]
    certificates = (await client.get("/bank/v1/platform-certificates")).json()
    assert verify_webhook(headers, body, certificates)


async def test_webhook_changed_body_fails_verification(make_bank, receiver, client):
    await delivered_event(make_bank, receiver)
    headers, body = receiver.received[0]
    certificates = (await client.get("/bank/v1/platform-certificates")).json()
    assert not verify_webhook(headers, body.replace(b"documents_ready", b"archived"), certificates)


async def test_webhook_body_fields(make_bank, receiver):
    _, application, event = await delivered_event(make_bank, receiver)
    headers, body = receiver.received[0]
    payload = json.loads(body)
    assert payload["event_id"] == str(event.id)
    assert headers["mc-event-id"] == str(event.id)
    assert payload["event_type"] == "application.state_changed"
    assert payload["data"]["application_id"] == str(application.id)
    assert payload["data"]["application_no"] == application.application_no
    assert payload["data"]["state"] == "documents_ready"
    assert payload["data"]["state_label"] == "文件已生成"
    assert payload["data"]["proof_no"] is None
    assert payload["data"]["findings"] == []
    assert datetime.fromisoformat(payload["occurred_at"]).tzinfo is not None


async def test_webhook_retries_server_errors(make_bank, receiver):
    receiver.statuses = [500, 500]
    _, _, event = await delivered_event(make_bank, receiver)
    rows = await deliveries(event)
    assert [row.response_status for row in rows] == [500, 500, 200]
    assert event.status == WebhookStatus.DELIVERED
    assert event.attempts == 3


async def test_webhook_retry_row_has_next_attempt(make_bank, receiver):
    receiver.statuses = [500]
    _, _, event = await delivered_event(make_bank, receiver)
    first, second = await deliveries(event)
    assert first.next_attempt_at is not None
    assert second.next_attempt_at is None


async def test_webhook_client_error_not_retried(make_bank, receiver):
    receiver.statuses = [400, 400]
    _, _, event = await delivered_event(make_bank, receiver)
    rows = await deliveries(event)
    assert event.status == WebhookStatus.FAILED
    assert [row.response_status for row in rows] == [400]
    assert rows[0].next_attempt_at is None


async def test_webhook_rate_limit_retried(make_bank, receiver):
    receiver.statuses = [429]
    _, _, event = await delivered_event(make_bank, receiver)
    assert [row.response_status for row in await deliveries(event)] == [429, 200]


async def test_webhook_gives_up_after_max_attempts(make_bank, receiver, settings, monkeypatch):
    monkeypatch.setattr(settings, "webhook_max_attempts", 3)
    receiver.statuses = [503] * 5
    _, _, event = await delivered_event(make_bank, receiver)
    assert event.status == WebhookStatus.FAILED
    assert len(await deliveries(event)) == 3


async def test_webhook_unreachable_records_error(make_bank, settings, monkeypatch):
    monkeypatch.setattr(settings, "webhook_max_attempts", 2)
    bank = await make_bank(f"http://127.0.0.1:{free_port()}/hooks")
    application = await new_application(bank.institution_id)
    await make_documents_ready(application)
    event = await settled(await event_of(application))
    rows = await deliveries(event)
    assert event.status == WebhookStatus.FAILED
    assert rows[0].response_status is None
    assert rows[0].error.startswith("ConnectError")


async def test_webhook_timeout_is_retried(make_bank, receiver, settings, monkeypatch):
    monkeypatch.setattr(settings, "webhook_timeout_seconds", 0.2)
    monkeypatch.setattr(settings, "webhook_max_attempts", 2)
    receiver.hold = asyncio.Event()
    _, _, event = await delivered_event(make_bank, receiver)
    rows = await deliveries(event)
    assert [row.error.split(":")[0] for row in rows] == ["ReadTimeout", "ReadTimeout"]
    assert event.status == WebhookStatus.FAILED


async def test_webhook_not_created_without_url(make_bank):
    bank = await make_bank(None)
    application = await new_application(bank.institution_id)
    await create_event(application_id=str(application.id), state="draft")
    assert not await WebhookEvent.filter(application_id=application.id).exists()


async def test_webhook_same_state_twice_one_event(make_bank, receiver):
    bank, application, _ = await delivered_event(make_bank, receiver)
    await create_event(application_id=str(application.id), state="documents_ready")
    assert await WebhookEvent.filter(application_id=application.id).count() == 1
    assert len(receiver.received) == 1


async def test_webhook_retry_delay_doubles(settings, monkeypatch):
    monkeypatch.setattr(settings, "webhook_retry_base_seconds", 2.0)
    monkeypatch.setattr(settings, "webhook_retry_max_seconds", 3600.0)
    assert 1.6 <= retry_delay(1) <= 2.4
    assert 3.2 <= retry_delay(2) <= 4.8
    assert 6.4 <= retry_delay(3) <= 9.6


async def test_webhook_retry_delay_capped(settings, monkeypatch):
    monkeypatch.setattr(settings, "webhook_retry_base_seconds", 2.0)
    monkeypatch.setattr(settings, "webhook_retry_max_seconds", 60.0)
    assert retry_delay(20) <= 72.0


async def test_webhook_deliveries_listed(make_bank, receiver):
    receiver.statuses = [502]
    bank, _, event = await delivered_event(make_bank, receiver)
    log = await bank.client.get(f"/bank/v1/webhooks/events/{event.id}/deliveries")
    assert log["event"]["status"] == "delivered"
    assert [item["response_status"] for item in log["items"]] == [502, 200]
    assert log["items"][0]["duration_ms"] >= 0


async def test_webhook_events_listed(make_bank, receiver):
    bank, application, event = await delivered_event(make_bank, receiver)
    listed = await bank.client.get("/bank/v1/webhooks/events", params={"page": 1, "page_size": 10})
    assert [item["event_id"] for item in listed["items"]] == [str(event.id)]
    assert listed["total"] == 1
    assert listed["items"][0]["payload"]["data"]["application_id"] == str(application.id)


async def test_webhook_events_page_size_checked(make_bank):
    bank = await make_bank(None)
    with pytest.raises(BankApiError) as raised:
        await bank.client.get("/bank/v1/webhooks/events", params={"page_size": 1000})
    assert raised.value.status == 422
    assert raised.value.context["field"] == "page_size"


async def test_webhook_redeliver_adds_attempt(make_bank, receiver):
    bank, _, event = await delivered_event(make_bank, receiver)
    answer = await bank.client.post(f"/bank/v1/webhooks/events/{event.id}/redeliver")

    async def second_attempt_done() -> bool:
        rows = await deliveries(event)
        return len(rows) == 2 and rows[1].duration_ms is not None

    await wait_for(second_attempt_done)
    assert answer["attempt"] == 2
    assert [json.loads(body)["event_id"] for _, body in receiver.received] == [str(event.id)] * 2


async def test_webhook_redeliver_replayed_by_key(make_bank, receiver):
    bank, _, event = await delivered_event(make_bank, receiver)
    path = f"/bank/v1/webhooks/events/{event.id}/redeliver"
    first = await bank.client.post(path, idempotency_key="redeliver-1")
    second = await bank.client.post(path, idempotency_key="redeliver-1")
    assert second == first


async def test_webhook_other_institution_cannot_read(make_bank, receiver):
    _, _, event = await delivered_event(make_bank, receiver)
    other = await make_bank(None)
    with pytest.raises(BankApiError) as raised:
        await other.client.get(f"/bank/v1/webhooks/events/{event.id}/deliveries")
    assert raised.value.status == 404


async def test_webhook_other_institution_cannot_redeliver(make_bank, receiver):
    _, _, event = await delivered_event(make_bank, receiver)
    other = await make_bank(receiver.url)
    with pytest.raises(BankApiError) as raised:
        await other.client.post(f"/bank/v1/webhooks/events/{event.id}/redeliver")
    assert raised.value.status == 404
    assert len(await deliveries(event)) == 1


async def test_webhook_other_institution_list_empty(make_bank, receiver):
    await delivered_event(make_bank, receiver)
    other = await make_bank(None)
    listed = await other.client.get("/bank/v1/webhooks/events")
    assert listed["items"] == []


async def test_webhook_event_id_checked(make_bank):
    bank = await make_bank(None)
    with pytest.raises(BankApiError) as raised:
        await bank.client.get("/bank/v1/webhooks/events/not-a-uuid/deliveries")
    assert raised.value.status == 422
    assert raised.value.context["field"] == "event_id"


async def test_webhook_unsigned_request_rejected(client):
    response = await client.get("/bank/v1/webhooks/events")
    assert response.status_code == 401


async def test_webhook_resume_after_restart(make_bank, receiver):
    bank = await make_bank(receiver.url)
    application = await new_application(bank.institution_id)
    event = await WebhookEvent.create(institution_id=bank.institution_id, application_id=application.id, state="draft",
                                      payload={"event_id": "resumed", "data": {}})
    due = datetime.now(timezone.utc) - timedelta(seconds=1)
    # As a restart leaves it: one failed attempt whose in-process retry was lost.
    await WebhookDelivery.create(event_id=event.id, attempt=1, started_at=due, duration_ms=3, response_status=500,
                                 next_attempt_at=due)
    resumed = await resume_webhook_deliveries(idle_seconds=0)
    event = await settled(event)
    assert resumed >= 1
    assert [row.response_status for row in await deliveries(event)] == [500, 200]


async def test_webhook_resume_skips_running_attempt(make_bank, receiver):
    bank = await make_bank(receiver.url)
    application = await new_application(bank.institution_id)
    event = await WebhookEvent.create(institution_id=bank.institution_id, application_id=application.id, state="draft",
                                      payload={"event_id": "running", "data": {}})
    await WebhookDelivery.create(event_id=event.id, attempt=1, started_at=datetime.now(timezone.utc))
    await resume_webhook_deliveries(idle_seconds=0)
    await asyncio.sleep(0.5)
    assert len(await deliveries(event)) == 1
    assert receiver.received == []


async def test_webhook_invalid_url_not_retried(make_bank):
    bank = await make_bank(None)
    await Institution.filter(id=bank.institution_id).update(webhook_url="ftp://127.0.0.1/hooks")
    application = await new_application(bank.institution_id)
    await make_documents_ready(application)
    event = await settled(await event_of(application))
    rows = await deliveries(event)
    assert event.status == WebhookStatus.FAILED
    assert len(rows) == 1
    assert rows[0].error.startswith("webhook_url is not an http(s) URL")
