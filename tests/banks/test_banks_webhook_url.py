"""Changing the institution's webhook URL through the signed API."""

import pytest

from mortgage_cloud.banks.client import BankApiError
from mortgage_cloud.banks.models import Institution, OfficerRole
from mortgage_cloud.banks.service import create_officer


async def test_webhook_url_change_stored(server_url, bank):
    async with bank.client(server_url) as client:
        await client.post("/bank/v1/institution/webhook-url", {"webhook_url": "https://bank.example/hooks"})
    institution = await Institution.get(id=bank.institution_id)
    assert institution.webhook_url == "https://bank.example/hooks"


async def test_webhook_url_null_stops_webhooks(server_url, bank):
    async with bank.client(server_url) as client:
        await client.post("/bank/v1/institution/webhook-url", {"webhook_url": "https://bank.example/hooks"})
        await client.post("/bank/v1/institution/webhook-url", {"webhook_url": None})
    institution = await Institution.get(id=bank.institution_id)
    assert institution.webhook_url is None


@pytest.mark.parametrize("body", [{"webhook_url": "ftp://bank.example/hooks"}, {"webhook_url": "not a url"}, {}])
async def test_webhook_url_invalid_rejected(server_url, bank, body):
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.post("/bank/v1/institution/webhook-url", body)
    assert raised.value.context["field"] == "webhook_url"


async def test_webhook_url_needs_supervisor(server_url, bank):
    officer = await create_officer(institution_id=bank.institution_id, name="钱经办", role=OfficerRole.LOAN_OFFICER)
    async with bank.client(server_url, officer_id=str(officer.id)) as client:
        with pytest.raises(BankApiError) as raised:
            await client.post("/bank/v1/institution/webhook-url", {"webhook_url": "https://bank.example/hooks"})
    assert raised.value.code == "OFFICER_ROLE_FORBIDDEN"
