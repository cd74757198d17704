"""Fixtures for the kiosk tests: a unit's owners from the register, and kiosk sessions opened by a bank."""

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
from kiosk_support import KioskDevice

from mortgage_cloud.demo.actors import Person
from mortgage_cloud.demo.cases import Bank, owners_of


@dataclass
class Visit:
    """A borrower at a kiosk: the person, the device with the session's token, and the bank's view of the session."""

    person: Person
    unit_no: str
    bank: Bank
    device: KioskDevice
    device_id: str
    session: dict


OpenVisit = Callable[..., Awaitable[Visit]]


@pytest.fixture(scope="session")
def shared_unit(unit_pool) -> str:
    """A clean unit for the kiosk tests that never submit and never fail a face check.

    The unit pool is shared by every test folder, and each owner has only a few failed face checks
    a day, so tests that submit or fail a check ask for a fresh unit instead.
    """
    return unit_pool["clean_single_owner"].pop(0)


@pytest.fixture
async def open_visit(server_url, flow_banks, unit_pool, shared_unit, mock_face) -> AsyncIterator[OpenVisit]:
    """Open kiosk sessions: on the shared unit by default, on a fresh unit of `kind` with `fresh=True`.

    `person` picks an owner of a jointly owned unit.
    """
    devices: list[KioskDevice] = []

    async def make(kind: str = "clean_single_owner", *, fresh: bool = False, bank: int = 0,
                   unit_no: str | None = None, person: int = 0) -> Visit:
        if unit_no is None:
            unit_no = unit_pool[kind].pop(0) if fresh or kind != "clean_single_owner" else shared_unit
        owner = (await owners_of(unit_no))[person]
        device_id = f"kiosk-{secrets.token_hex(4)}"
        session = await flow_banks[bank].client.open_kiosk_session(
            device_id=device_id, borrower_name=owner.name, id_number=owner.id_number)
        device = KioskDevice(server_url, token=session["token"], device_id=device_id)
        devices.append(device)
        return Visit(person=owner, unit_no=unit_no, bank=flow_banks[bank], device=device, device_id=device_id,
                     session=session)

    yield make
    for device in devices:
        await device.aclose()
