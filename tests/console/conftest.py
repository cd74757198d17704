"""Fixtures for the console tests: officers with console passwords, logged-in sessions, and a consenting borrower."""

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from console_support import PASSWORD, ConsentingBorrower, ConsoleOfficer, bearer, log_in, new_phone

from mortgage_cloud.banks.models import Institution
from mortgage_cloud.demo.actors import BorrowerActor
from mortgage_cloud.demo.cases import owners_of

MakeOfficer = Callable[..., Awaitable[ConsoleOfficer]]


@pytest.fixture
async def make_officer(flow_banks) -> MakeOfficer:
    """Create an officer of bank 0 (or `bank`) and, unless `password=None`, set a console password through the API."""

    async def make(role: str = "loan_officer", *, bank: int = 0, password: str | None = PASSWORD,
                   phone: str | None = None) -> ConsoleOfficer:
        owner = flow_banks[bank]
        phone = phone or new_phone()
        created = await owner.client.create_officer(name=f"经办人{secrets.token_hex(2)}", role=role, phone=phone)
        if password is not None:
            await owner.client.post(f"/bank/v1/officers/{created['id']}/console-password", {"password": password})
        institution = await Institution.get(id=owner.institution_id)
        return ConsoleOfficer(id=created["id"], name=created["name"], role=role, phone=phone, password=password,
                              uscc=institution.uscc, bank=owner)

    return make


@pytest.fixture
async def session_of(client) -> Callable[[ConsoleOfficer], Awaitable[dict[str, str]]]:
    """Log the officer in and return the Authorization header of the new session."""

    async def open_session(officer: ConsoleOfficer) -> dict[str, str]:
        response = await log_in(client, officer)
        assert response.status_code == 200, response.text
        return bearer(response.json()["token"])

    return open_session


@pytest.fixture
async def consenting_borrower(demo_context, flow_banks, unit_pool) -> AsyncIterator[Callable[..., Awaitable[ConsentingBorrower]]]:
    """Have the owner of a fresh clean unit log in, verify identity and grant bank 0 (or `bank`) a lookup consent."""
    actors: list[BorrowerActor] = []

    async def make(*, bank: int = 0, kind: str = "clean_single_owner") -> ConsentingBorrower:
        unit_no = unit_pool[kind].pop(0)
        person = (await owners_of(unit_no))[0]
        actor = BorrowerActor(person, app_url=demo_context.app_url, wechat_url=demo_context.wechat_url)
        actors.append(actor)
        await actor.log_in()
        await actor.verify_identity()
        consent_id = await actor.grant_consent(flow_banks[bank].institution_id)
        return ConsentingBorrower(actor=actor, consent_id=consent_id, unit_no=unit_no)

    yield make
    for actor in actors:
        await actor.aclose()
