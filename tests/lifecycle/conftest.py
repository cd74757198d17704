"""Fixtures for the lifecycle tests: a seeded register, the mocks, two banks, a reviewer, and cases prepared over HTTP.

Units come from the middle of each scenario list: the pipeline tests take the start of the same
lists and the webhook tests the end, and a unit used twice in one session would change the outcome.
"""

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from mortgage_cloud.demo.cases import Bank, Case, DemoContext, Prepared, prepare_case
from mortgage_cloud.demo.setup import onboard_banks
from mortgage_cloud.identifiers import USCC_ALPHABET
from mortgage_cloud.mocks.testing import release, shared_mock_face, shared_mock_wechat
from mortgage_cloud.registry.seed import DEFAULT_SEED, find_scenario_units, seed_register
from mortgage_cloud.review.staff import create_staff

SEED_UNITS = 5000
UNIT_SLICE = slice(30, 50)


@pytest.fixture(scope="session")
async def lifecycle_register(runtime) -> None:
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
async def lifecycle_banks(server_url, lifecycle_register) -> AsyncIterator[list[Bank]]:
    institutions = [(f"注销测试银行{secrets.token_hex(2)}股份有限公司", _organisation_code()) for _ in range(2)]
    banks = await onboard_banks(server_url, institutions=institutions)
    yield banks
    for bank in banks:
        await bank.client.aclose()


def _organisation_code() -> str:
    return "".join(secrets.choice(USCC_ALPHABET) for _ in range(9))


@pytest.fixture(scope="session")
async def lifecycle_units(lifecycle_register) -> dict[str, list[str]]:
    """Scenario units for these tests only, handed out at most once each."""
    units = await find_scenario_units(limit=60)
    return {kind: found[UNIT_SLICE] for kind, found in units.items()}


@pytest.fixture(scope="session")
def demo_context(server_url, mock_wechat, mock_face) -> DemoContext:
    return DemoContext(app_url=server_url, wechat_url=mock_wechat.url)


Prepare = Callable[..., Awaitable[Prepared]]


@pytest.fixture
async def prepare(demo_context, lifecycle_banks, lifecycle_units) -> AsyncIterator[Prepare]:
    """Prepare a case up to signed, each on a unit no other lifecycle test has used."""
    made: list[Prepared] = []

    async def make(kind: str, *, bank: int = 0) -> Prepared:
        unit_no = lifecycle_units[kind].pop(0)
        prepared = await prepare_case(demo_context, Case(kind, kind, unit_no, lifecycle_banks[bank]))
        made.append(prepared)
        return prepared

    yield make
    for prepared in made:
        await prepared.aclose()


@pytest.fixture(scope="session")
async def staff_headers(client, runtime) -> dict[str, str]:
    """Authorization headers of a logged-in reviewer."""
    username = f"lifecycle-{secrets.token_hex(4)}"
    _, password = await create_staff(username=username, display_name="审核员丙")
    response = await client.post("/api/v1/staff/login", json={"username": username, "password": password})
    return {"Authorization": f"Bearer {response.json()['token']}"}

