"""Assessment of a unit for a new mortgage, on built snapshots and on the seeded demo cases."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from mortgage_cloud.registry.service import (
    MortgageView,
    OwnershipView,
    OwnerView,
    RestrictionView,
    UnitSnapshot,
    assess_unit,
    blocking_reasons_for_display,
    get_unit_snapshot,
    next_rank,
)
from mortgage_cloud.registry.seed import find_scenario_units

WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)
OWNER = OwnerView(party_id=1, name="张三", id_hash="hash-owner", share=None)


def snapshot(*, restrictions=(), mortgages=(), ownership=True, owners=(OWNER,)) -> UnitSnapshot:
    return UnitSnapshot(
        unit_no="430104001001GB00001F00010001", location="长沙市岳麓区测试小区1栋101室", district="岳麓区",
        division_code="430104", community="测试小区", building="1栋", room="101室", floor=1, total_floors=6,
        property_type="住宅", use="住宅", area=Decimal("90.00"), land_use_start=date(2010, 1, 1),
        land_use_end=date(2080, 1, 1), build_year=2011,
        ownership=OwnershipView("湘(2020)长沙市不动产权第0000001号", "单独所有", WHEN, True) if ownership else None,
        owners=list(owners), mortgages=list(mortgages), restrictions=list(restrictions),
    )


def restriction(kind: str, holder_id_hash: str | None = None) -> RestrictionView:
    return RestrictionView(kind=kind, holder_name="持有人", holder_id_hash=holder_id_hash, document_no="(2026)湘0104执保1号",
                           registered_at=WHEN)


def mortgage(rank: int) -> MortgageView:
    return MortgageView(rank=rank, mortgagee_name="演示银行", mortgagee_uscc="91350100M000100Y43",
                        mortgage_type="general", amount=Decimal("500000"), proof_no=f"湘(2024)长沙市不动产证明第000000{rank}号",
                        debt_end=date(2040, 1, 1), registered_at=WHEN)


def codes(findings) -> list[str]:
    return [item.code for item in findings]


@pytest.mark.parametrize(
    ("kind", "code", "outcome"),
    [
        ("seizure", "UNIT_SEIZED", "reject"),
        ("pre_seizure", "UNIT_PRE_SEIZED", "reject"),
        ("registry_lock", "UNIT_LOCKED", "reject"),
        ("objection", "UNIT_OBJECTION", "review"),
    ],
)
def test_assess_restriction_fails_rule(kind, code, outcome):
    findings = assess_unit(snapshot(restrictions=[restriction(kind)]), mortgagor_id_hashes={"hash-owner"})
    assert codes(findings) == [code]
    assert findings[0].outcome == outcome


def test_assess_two_seizures_one_finding():
    findings = assess_unit(snapshot(restrictions=[restriction("seizure"), restriction("seizure")]),
                           mortgagor_id_hashes={"hash-owner"})
    assert codes(findings) == ["UNIT_SEIZED"]
    assert len(findings[0].detail["document_nos"]) == 2


def test_assess_advance_notice_by_other_blocks():
    findings = assess_unit(snapshot(restrictions=[restriction("advance_notice", "hash-buyer")]),
                           mortgagor_id_hashes={"hash-owner"})
    assert codes(findings) == ["ADVANCE_NOTICE_HELD_BY_OTHER"]


def test_assess_advance_notice_by_mortgagor_passes():
    findings = assess_unit(snapshot(restrictions=[restriction("advance_notice", "hash-owner")]),
                           mortgagor_id_hashes={"hash-owner"})
    assert findings == []


def test_assess_residence_right_passes():
    assert assess_unit(snapshot(restrictions=[restriction("residence_right")]), mortgagor_id_hashes={"hash-owner"}) == []


def test_assess_no_current_ownership_fails():
    findings = assess_unit(snapshot(ownership=False, owners=()), mortgagor_id_hashes=set())
    assert codes(findings) == ["OWNERSHIP_NOT_CURRENT"]


def test_assess_mortgagor_not_owner_fails():
    findings = assess_unit(snapshot(), mortgagor_id_hashes={"hash-owner", "hash-stranger"})
    assert codes(findings) == ["MORTGAGOR_NOT_OWNER"]
    assert findings[0].detail["not_owner_count"] == 1


def test_assess_existing_mortgage_passes():
    assert assess_unit(snapshot(mortgages=[mortgage(1)]), mortgagor_id_hashes={"hash-owner"}) == []


def test_next_rank_follows_highest_current():
    assert next_rank(snapshot()) == 1
    assert next_rank(snapshot(mortgages=[mortgage(1), mortgage(2)])) == 3


def test_blocking_reasons_reject_first():
    findings = assess_unit(snapshot(restrictions=[restriction("objection"), restriction("seizure")]),
                           mortgagor_id_hashes={"hash-owner"})
    reasons = blocking_reasons_for_display(findings)
    assert reasons[0].startswith("该不动产已被查封")
    assert len(reasons) == 2


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("clean_single_owner", []),
        ("joint_owned", []),
        ("share_owned", []),
        ("already_mortgaged", []),
        ("seized", ["UNIT_SEIZED"]),
        ("pre_seized", ["UNIT_PRE_SEIZED"]),
        ("locked", ["UNIT_LOCKED"]),
        ("objection", ["UNIT_OBJECTION"]),
        ("advance_notice_other", ["ADVANCE_NOTICE_HELD_BY_OTHER"]),
    ],
)
async def test_assess_seeded_scenarios(seeded, case, expected):
    scenarios = await find_scenario_units()
    unit = await get_unit_snapshot(scenarios[case][0])
    owners = {owner.id_hash for owner in unit.owners}
    assert codes(assess_unit(unit, mortgagor_id_hashes=owners)) == expected
