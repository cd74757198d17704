"""End-to-end fixtures for every test folder: a seeded register, the mocks, two banks, and applications
prepared over HTTP.

`prepare(kind, **options)` drives a case as the demo does (WeChat login, face checks, consent,
property query, creation, documents, signing, the bank's seal) and returns it ready to submit.
Each call takes a unit no other test in the session has used, so tests do not race each other for units.
"""

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from mortgage_cloud.demo.cases import Bank, Case, DemoContext, Prepared, prepare_case
from mortgage_cloud.demo.setup import onboard_banks
from mortgage_cloud.identifiers import USCC_ALPHABET
from mortgage_cloud.mocks.testing import release, shared_mock_face, shared_mock_tsa, shared_mock_wechat
from mortgage_cloud.registry.seed import DEFAULT_SEED, find_scenario_units, seed_register

SEED_UNITS = 5000


@pytest.fixture(scope="session")
async def seeded_register(runtime) -> None:
    await seed_register(seed=DEFAULT_SEED, units=SEED_UNITS, housing_dir=runtime.settings.housing_data_dir)


@pytest.fixture(scope="session")
async def mock_wechat(runtime) -> AsyncIterator:
    server, started = await shared_mock_wechat(runtime)
    yield server
    await release(runtime, "mock_wechat_server", server, started)


@pytest.fixture(scope="session")
async def mock_face(runtime) -> AsyncIterator:
    server, started = await shared_mock_face(runtime)
    yield server
    await release(runtime, "mock_face_server", server, started)


@pytest.fixture(scope="session")
async def mock_tsa(runtime) -> AsyncIterator:
    """The mock TSA, so that every signature made in a flow carries a timestamp."""
    server, started = await shared_mock_tsa(runtime)
    yield server
    await release(runtime, "mock_tsa_server", server, started)


# Every flow that signs needs the banks, so the banks bring the mock TSA along.
@pytest.fixture(scope="session")
async def flow_banks(server_url, seeded_register, mock_tsa) -> AsyncIterator[list[Bank]]:
    institutions = [(f"测试银行{secrets.token_hex(2)}股份有限公司", _organisation_code()) for _ in range(2)]
    banks = await onboard_banks(server_url, institutions=institutions)
    yield banks
    for bank in banks:
        await bank.client.aclose()


def _organisation_code() -> str:
    return "".join(secrets.choice(USCC_ALPHABET) for _ in range(9))


@pytest.fixture(scope="session")
async def unit_pool(seeded_register) -> dict[str, list[str]]:
    """Scenario units, handed out at most once each across the session."""
    return await find_scenario_units(limit=1000)


@pytest.fixture(scope="session")
def demo_context(server_url, mock_wechat, mock_face) -> DemoContext:
    return DemoContext(app_url=server_url, wechat_url=mock_wechat.url)


Prepare = Callable[..., Awaitable[Prepared]]


@pytest.fixture
async def prepare(demo_context, flow_banks, unit_pool) -> AsyncIterator[Prepare]:
    made: list[Prepared] = []

    async def make(kind: str, *, bank: int = 0, race: bool = False, **options) -> Prepared:
        unit_no = unit_pool[kind].pop(0)
        case = Case(kind, kind, unit_no, flow_banks[bank],
                    race_bank=flow_banks[1 - bank] if race else None, **options)
        prepared = await prepare_case(demo_context, case)
        made.append(prepared)
        return prepared

    yield make
    for prepared in made:
        await prepared.aclose()
