"""Unit snapshots and the units of one owner, read from the register."""

from decimal import Decimal

from mortgage_cloud.registry.models import OwnershipRight
from mortgage_cloud.registry.service import get_unit_snapshot, units_owned_by


async def test_snapshot_unknown_unit_none(runtime):
    assert await get_unit_snapshot("430111999999GB99999F99999999") is None


async def test_snapshot_share_owners_listed(unit_factory):
    created = await unit_factory(owners=2, co_ownership="按份共有", shares=[Decimal("0.6"), Decimal("0.4")])
    unit = await get_unit_snapshot(created.unit_no)
    assert unit.ownership.co_ownership == "按份共有"
    assert [owner.party_id for owner in unit.owners] == [party.id for party in created.parties]
    assert [owner.share for owner in unit.owners] == [Decimal("0.6"), Decimal("0.4")]


async def test_snapshot_restrictions_listed(unit_factory):
    created = await unit_factory(restrictions=[("seizure", None), ("objection", "hash-claimant")])
    unit = await get_unit_snapshot(created.unit_no)
    assert [item.kind for item in unit.restrictions] == ["seizure", "objection"]
    assert unit.restrictions[1].holder_id_hash == "hash-claimant"


async def test_snapshot_old_ownership_not_shown(unit_factory):
    created = await unit_factory(current=False)
    unit = await get_unit_snapshot(created.unit_no)
    assert unit.ownership is None
    assert unit.owners == []


async def test_owned_by_lists_each_current_unit(unit_factory):
    first = await unit_factory()
    second = await unit_factory(owners=2, co_ownership="共同共有", existing_parties=first.parties)
    owned = await units_owned_by(first.parties[0].id_hash)
    assert [unit.unit_no for unit in owned] == sorted([first.unit_no, second.unit_no])


async def test_owned_by_skips_past_ownership(unit_factory):
    created = await unit_factory()
    await OwnershipRight.filter(unit__unit_no=created.unit_no).update(is_current=False)
    assert await units_owned_by(created.parties[0].id_hash) == []


async def test_owned_by_unknown_hash_empty(runtime):
    assert await units_owned_by("0" * 64) == []


async def test_snapshot_seeded_mortgages_by_rank(seeded):
    from mortgage_cloud.registry.seed import find_scenario_units

    scenarios = await find_scenario_units(limit=1000)
    ranks = []
    for unit_no in scenarios["already_mortgaged"]:
        unit = await get_unit_snapshot(unit_no)
        ranks.append([mortgage.rank for mortgage in unit.mortgages])
    assert [1, 2] in ranks
    assert all(found == list(range(1, len(found) + 1)) for found in ranks)
