"""Fixtures for the register tests: the seeded register and a factory for units with known owners."""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from mortgage_cloud.identifiers import make_id_number, make_unit_no
from mortgage_cloud.infra import pii
from mortgage_cloud.registry.models import OwnershipRight, OwnershipShare, Party, PropertyUnit, Restriction
from mortgage_cloud.registry.seed import DEFAULT_SEED, SeedSummary, seed_register

HOUSING_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "housing"
SEED_UNITS = 5000

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
async def seeded(runtime) -> SeedSummary:
    """The register seeded once per session with the default seed (or the summary of an earlier seed)."""
    return await seed_register(seed=DEFAULT_SEED, units=SEED_UNITS, housing_dir=HOUSING_DIR)


@dataclass
class CreatedUnit:
    unit_no: str
    parties: list[Party]
    id_numbers: list[str]


async def make_unit(
    *, owners: int = 1, co_ownership: str = "单独所有", shares: list[Decimal] | None = None,
    restrictions: list[tuple[str, str | None]] = (), current: bool = True, existing_parties: list[Party] = (),
) -> CreatedUnit:
    """Create a unit in a cadastral zone the seed never uses (999), with new owners and the given restrictions."""
    number = next(_numbers)
    unit_no = make_unit_no(division_code="430111", zone=999, subzone=number // 1000, parcel_no=1 + number % 1000,
                           building=1, unit_seq=1)
    unit = await PropertyUnit.create(
        unit_no=unit_no, location=f"长沙市雨花区测试小区{number}栋101室", district="雨花区", division_code="430111",
        community="测试小区", building=f"{number}栋", room="101室", floor=1, total_floors=18, area=Decimal("89.50"),
        land_use_start=date(2010, 5, 1), land_use_end=date(2080, 5, 1), build_year=2012,
    )
    ownership = await OwnershipRight.create(
        unit=unit, certificate_no=f"湘(2024)长沙市不动产权第{9000000 + number:07d}号", co_ownership=co_ownership,
        registered_at=datetime(2024, 3, 1, 2, 0, tzinfo=timezone.utc), is_current=current,
    )

    parties = list(existing_parties)
    id_numbers = []
    for index in range(owners - len(parties)):
        id_number = make_id_number("430104", date(1980, 1, 1) + timedelta(days=number), 100 + index)
        id_numbers.append(id_number)
        parties.append(await Party.create(
            name=f"测试权利人{number}-{index}", party_type="person", id_type="居民身份证",
            id_number_enc=pii.encrypt(id_number), id_hash=pii.search_hash(id_number),
        ))
    for index, party in enumerate(parties):
        await OwnershipShare.create(ownership=ownership, party=party, share=shares[index] if shares else None)

    for kind, holder_id_hash in restrictions:
        await Restriction.create(
            unit=unit, kind=kind, holder_name="测试持有人", holder_id_hash=holder_id_hash,
            document_no=f"(2026)湘0111执保{number}号", registered_at=datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc),
        )
    return CreatedUnit(unit_no=unit_no, parties=parties, id_numbers=id_numbers)


@pytest.fixture
def unit_factory(runtime):
    """The `make_unit` helper, with the database open."""
    return make_unit
