"""The actor on an application's events through the bank API: the officer named by `Mc-Officer-Id`, else the
institution's system account."""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, timedelta

import pytest

from mortgage_cloud.applications.models import ApplicationEvent
from mortgage_cloud.banks.service import create_officer
from mortgage_cloud.demo.actors import BorrowerActor
from mortgage_cloud.demo.cases import Bank, owners_of

CreateDraft = Callable[[Bank], Awaitable[str]]


def loan_data(consent_id: str, unit_no: str) -> dict:
    start = date.today() + timedelta(days=3)
    return {"consent_id": consent_id, "unit_no": unit_no, "mortgage_type": "general", "secured_amount": "450000.00",
            "debt_start": start.isoformat(), "debt_end": start.replace(year=start.year + 15).isoformat(),
            "loan_contract_no": f"JK-ACTOR-{unit_no[-8:]}"}


@pytest.fixture
async def create_draft(demo_context, unit_pool) -> AsyncIterator[CreateDraft]:
    """Have a clean unit's owner consent to the bank, then create the draft through the bank API and return its id."""
    actors: list[BorrowerActor] = []

    async def create(bank: Bank) -> str:
        unit_no = unit_pool["clean_single_owner"].pop(0)
        actor = BorrowerActor((await owners_of(unit_no))[0], app_url=demo_context.app_url,
                              wechat_url=demo_context.wechat_url)
        actors.append(actor)
        await actor.log_in()
        await actor.verify_identity()
        consent_id = await actor.grant_consent(bank.institution_id)
        application = await bank.client.post("/bank/v1/applications", loan_data(consent_id, unit_no))
        return application["id"]

    yield create
    for actor in actors:
        await actor.aclose()


@pytest.fixture
async def officer_bank(flow_banks) -> AsyncIterator[tuple[Bank, str]]:
    """The first bank, whose client sends `Mc-Officer-Id` of a new supervisor while the test runs."""
    bank = flow_banks[0]
    officer = await create_officer(institution_id=bank.institution_id, name="周主管", role="supervisor")
    bank.client.officer_id = str(officer.id)
    yield bank, str(officer.id)
    bank.client.officer_id = None


async def _events(application_id: str) -> list[ApplicationEvent]:
    return await ApplicationEvent.filter(application_id=application_id).order_by("id")


async def test_creation_event_names_officer(officer_bank, create_draft):
    bank, officer_id = officer_bank

    application_id = await create_draft(bank)
    first = (await _events(application_id))[0]

    assert first.to_state == "draft"
    assert first.actor == f"officer:{officer_id}"


async def test_creation_event_without_officer_names_institution(flow_banks, create_draft):
    bank = flow_banks[0]

    application_id = await create_draft(bank)
    first = (await _events(application_id))[0]

    assert first.to_state == "draft"
    assert first.actor == f"institution:{bank.institution_id}"


async def test_creation_actor_in_bank_timeline(officer_bank, create_draft):
    bank, officer_id = officer_bank

    application_id = await create_draft(bank)
    status = await bank.client.get(f"/bank/v1/applications/{application_id}")

    assert status["timeline"][0]["actor"] == f"officer:{officer_id}"


async def test_seal_event_names_officer(officer_bank, create_draft):
    bank, officer_id = officer_bank
    application_id = await create_draft(bank)
    await bank.client.post(f"/bank/v1/applications/{application_id}/documents")

    await bank.client.post(f"/bank/v1/applications/{application_id}/seal")
    last = (await _events(application_id))[-1]

    assert last.to_state == "signing"
    assert last.actor == f"officer:{officer_id}"


async def test_withdraw_event_names_officer(officer_bank, create_draft):
    bank, officer_id = officer_bank
    application_id = await create_draft(bank)

    await bank.client.post(f"/bank/v1/applications/{application_id}/withdraw", {"reason": "借款人放弃贷款"})
    last = (await _events(application_id))[-1]

    assert last.to_state == "withdrawn"
    assert last.actor == f"officer:{officer_id}"
