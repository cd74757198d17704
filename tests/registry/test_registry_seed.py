"""The seeded register of 长沙市: determinism, counts, valid identifiers and the demo cases."""

import functools
import logging
import random
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from mortgage_cloud.identifiers import CHINA_TZ, is_valid_id_number, normalize_certificate_no, normalize_unit_no
from mortgage_cloud.infra import pii
from mortgage_cloud.registry.models import (
    MortgageRight,
    OwnershipRight,
    Party,
    PropertyUnit,
    ProofCounter,
    RegisterEntry,
    Restriction,
)
from mortgage_cloud.registry.seed import DEFAULT_SEED, find_scenario_units, seed_register
from mortgage_cloud.registry.seed_plan import SEED_RECORDER, build_plan
from mortgage_cloud.registry.seed_source import DISTRICTS, load_communities
from mortgage_cloud.registry.service import verify_chain

HOUSING_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "housing"
SEED_UNITS = 5000  # as the session's `seeded` fixture writes


@functools.lru_cache(maxsize=4)
def plan(seed: int = DEFAULT_SEED, units: int = SEED_UNITS):
    communities, source = load_communities(HOUSING_DIR)
    return build_plan(seed=seed, units=units, communities=communities, source=source)


def test_seed_plan_same_seed_same_register():
    first, second = plan(units=300), plan(units=300)
    assert [entry["entry_hash"] for entry in first.entries] == [entry["entry_hash"] for entry in second.entries]


def test_seed_plan_other_seed_differs():
    assert plan(units=300).units[0]["unit_no"] != plan(seed=7, units=300).units[0]["unit_no"]


def test_seed_plan_small_has_every_case():
    cases = plan(units=30).cases
    for case in ("单独所有", "共同共有", "按份共有", "mortgages_1", "mortgages_2", "seizure", "pre_seizure",
                 "registry_lock", "objection", "advance_notice"):
        assert cases[case] >= 2, case


def skip_if_seeded_elsewhere(summary) -> None:
    if summary.already_seeded:
        pytest.skip("the register was seeded earlier in this session, perhaps with other arguments")


def test_seed_source_reads_real_communities():
    communities, source = load_communities(HOUSING_DIR)
    names = {(community.district.name, community.name) for community in communities if not community.generated}
    assert source.endswith("changsha_lianjia_ershoufang_2022.csv")
    assert ("岳麓区", "永祺西京") in names
    assert ("天心区", "三城花苑") in names


def test_seed_source_missing_file_generates_names(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="mortgage_cloud.registry.seed_source"):
        communities, source = load_communities(tmp_path)
    assert source == "generated"
    assert all("示例" in community.name for community in communities)
    assert "housing data file not found" in caplog.text


async def test_seed_writes_the_planned_chain(seeded):
    skip_if_seeded_elsewhere(seeded)
    expected = sorted(entry["entry_hash"] for entry in plan().entries)
    stored = sorted(await RegisterEntry.filter(recorded_by=SEED_RECORDER).values_list("entry_hash", flat=True))
    assert stored == expected


async def test_seed_counts_match_plan(seeded):
    skip_if_seeded_elsewhere(seeded)
    planned = plan()
    assert await PropertyUnit.filter(unit_no__in=[unit["unit_no"] for unit in planned.units]).count() == SEED_UNITS
    assert await MortgageRight.filter(recorded_by=SEED_RECORDER).count() == len(planned.mortgages)
    assert await Restriction.filter(document_no__in=[item.document_no for item in planned.restrictions]).count() == \
        len(planned.restrictions)


async def test_seed_covers_every_district(seeded):
    counts = Counter(await PropertyUnit.exclude(community="测试小区").values_list("district", flat=True))
    assert set(counts) == {district.name for district in DISTRICTS}
    assert min(counts.values()) >= SEED_UNITS * 0.05


async def test_seed_second_run_writes_nothing(seeded):
    before = await PropertyUnit.all().count()
    again = await seed_register(seed=DEFAULT_SEED, units=SEED_UNITS, housing_dir=HOUSING_DIR)
    assert again.already_seeded
    assert await PropertyUnit.all().count() == before


async def test_seed_identifiers_valid(seeded):
    rng = random.Random(1)
    parties = await Party.all().limit(2000)
    for party in rng.sample(parties, 200):
        id_number = pii.decrypt(party.id_number_enc)
        assert is_valid_id_number(id_number)
        assert id_number.startswith("43")
        assert pii.search_hash(id_number) == party.id_hash
    for unit_no in await PropertyUnit.all().limit(500).values_list("unit_no", flat=True):
        assert normalize_unit_no(unit_no) == unit_no
    for certificate_no in await OwnershipRight.all().limit(500).values_list("certificate_no", flat=True):
        assert normalize_certificate_no(certificate_no).city == "长沙市"


async def test_seed_land_use_seventy_years(seeded):
    for start, end in await PropertyUnit.exclude(community="测试小区").limit(500).values_list(
            "land_use_start", "land_use_end"):
        assert end.year - start.year == 70


async def test_seed_debt_ends_within_land_term(seeded):
    for right in await MortgageRight.filter(recorded_by=SEED_RECORDER).select_related("unit").limit(500):
        assert right.debt_end <= right.unit.land_use_end


async def test_seed_proof_counter_continues(seeded):
    skip_if_seeded_elsewhere(seeded)
    planned = plan()
    for year, last in planned.proof_counters.items():
        counter = await ProofCounter.get(region="430100", year=year)
        assert counter.last_number >= last


async def test_seed_chains_verify(seeded):
    unit_nos = await RegisterEntry.filter(recorded_by=SEED_RECORDER, seq=2).limit(50).values_list("unit_no", flat=True)
    for unit_no in unit_nos:
        assert (await verify_chain(unit_no)).ok, unit_no


async def test_seed_seizures_current(seeded):
    seizure = await Restriction.filter(kind="seizure").order_by("id").first()
    assert seizure.ends_at - seizure.registered_at == timedelta(days=3 * 365)
    assert seizure.registered_at.astimezone(CHINA_TZ).year >= 2024


async def test_scenarios_cover_demo_cases(seeded):
    scenarios = await find_scenario_units()
    for case in ("clean_single_owner", "joint_owned", "share_owned", "seized", "pre_seized", "objection",
                 "advance_notice_other", "already_mortgaged", "locked"):
        assert scenarios.get(case), case
    assert scenarios == await find_scenario_units()
