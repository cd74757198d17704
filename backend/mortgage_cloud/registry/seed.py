"""Seeding the register of 长沙市 for the demo and the tests, and finding units for each demo case."""

import asyncio
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from mortgage_cloud.infra import pii
from mortgage_cloud.registry.models import (
    MortgageRight,
    OwnershipRight,
    OwnershipShare,
    Party,
    PropertyUnit,
    ProofCounter,
    RegisterEntry,
    Restriction,
)
from mortgage_cloud.registry.proofs import registry_settings
from mortgage_cloud.registry.seed_plan import SEED_RECORDER, SeedPlan, build_plan
from mortgage_cloud.registry.seed_source import load_communities

log = logging.getLogger(__name__)

DEFAULT_SEED = 20261204
BATCH_SIZE = 1000
SCENARIO_UNITS_PER_CASE = 10


@dataclass
class SeedSummary:
    """Counts of the rows a seed run wrote, or `already_seeded` when seeded data was there and nothing was written."""

    seed: int
    already_seeded: bool
    source: str = ""
    units: int = 0
    parties: int = 0
    ownerships: int = 0
    mortgages: int = 0
    restrictions: int = 0
    entries: int = 0
    units_by_district: dict[str, int] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """Return the summary as printable lines."""
        if self.already_seeded:
            return [f"register already seeded ({self.units} units); nothing written"]
        lines = [
            f"seed {self.seed}, community names from {self.source}",
            f"units {self.units}, parties {self.parties}, ownerships {self.ownerships}, "
            f"mortgages {self.mortgages}, restrictions {self.restrictions}, register entries {self.entries}",
            "units per district:",
        ]
        lines += [f"  {name} {count}" for name, count in self.units_by_district.items()]
        lines.append("units per case:")
        lines += [f"  {name} {count}" for name, count in sorted(self.cases.items())]
        return lines


async def seed_register(*, seed: int = DEFAULT_SEED, units: int = 5000, housing_dir: Path | None) -> SeedSummary:
    """Fill an empty register deterministically from `seed`; do nothing when seeded data is already there."""
    if await RegisterEntry.filter(recorded_by=SEED_RECORDER).exists():
        existing = await PropertyUnit.all().count()
        log.info("register already seeded, nothing written", extra={"units": existing})
        return SeedSummary(seed=seed, already_seeded=True, units=existing)
    if units < 1:
        raise ValueError(f"units must be at least 1, got {units}")

    settings = registry_settings()
    communities, source = load_communities(housing_dir)
    plan = await asyncio.to_thread(
        build_plan, seed=seed, units=units, communities=communities, source=source,
        province=settings.registry_province_abbr, city=settings.registry_city,
    )

    # One transaction: a crash in the middle leaves an empty register that the next run fills.
    async with in_transaction() as connection:
        await _write_plan(plan, region=settings.registry_division_code, connection=connection)

    summary = _summary(plan, seed=seed)
    log.info("register seeded", extra={"seed": seed, "units": summary.units, "entries": summary.entries,
                                       "source": source})
    return summary


async def _write_plan(plan: SeedPlan, *, region: str, connection: Any) -> None:
    await PropertyUnit.bulk_create([PropertyUnit(**unit) for unit in plan.units], batch_size=BATCH_SIZE,
                                   using_db=connection)
    unit_ids = dict(await PropertyUnit.all().using_db(connection).values_list("unit_no", "id"))

    parties = [
        Party(name=party.person.name, party_type="person", id_type="居民身份证",
              id_number_enc=pii.encrypt(party.person.id_number), id_hash=party.id_hash,
              phone_enc=pii.encrypt(party.person.phone), address=party.address)
        for party in plan.parties.values()
    ]
    await Party.bulk_create(parties, batch_size=BATCH_SIZE, using_db=connection)
    party_ids = dict(await Party.filter(id_hash__in=list(plan.parties)).using_db(connection)
                     .values_list("id_hash", "id"))

    await OwnershipRight.bulk_create(
        [OwnershipRight(unit_id=unit_ids[item.unit_no], certificate_no=item.certificate_no,
                        co_ownership=item.co_ownership, registered_at=item.registered_at, is_current=True)
         for item in plan.ownerships],
        batch_size=BATCH_SIZE, using_db=connection,
    )
    ownership_ids = dict(await OwnershipRight.filter(unit_id__in=list(unit_ids.values())).using_db(connection)
                         .values_list("certificate_no", "id"))
    await OwnershipShare.bulk_create(
        [OwnershipShare(ownership_id=ownership_ids[item.certificate_no], party_id=party_ids[id_hash], share=share)
         for item in plan.ownerships for id_hash, share in item.owners],
        batch_size=BATCH_SIZE, using_db=connection,
    )

    await MortgageRight.bulk_create([_mortgage_row(item, unit_ids, party_ids) for item in plan.mortgages],
                                    batch_size=BATCH_SIZE, using_db=connection)
    await Restriction.bulk_create(
        [Restriction(unit_id=unit_ids[item.unit_no], kind=item.kind, holder_name=item.holder_name,
                     holder_id_hash=item.holder_id_hash, document_no=item.document_no,
                     registered_at=item.registered_at, ends_at=item.ends_at, is_current=True)
         for item in plan.restrictions],
        batch_size=BATCH_SIZE, using_db=connection,
    )
    await RegisterEntry.bulk_create([RegisterEntry(**entry) for entry in plan.entries], batch_size=BATCH_SIZE,
                                    using_db=connection)
    await _raise_proof_counters(plan.proof_counters, region=region, connection=connection)


def _mortgage_row(item: dict[str, Any], unit_ids: dict[str, int], party_ids: dict[str, int]) -> MortgageRight:
    fields = {key: value for key, value in item.items() if key not in ("unit_no", "mortgagor_id_hashes")}
    party_list = [party_ids[id_hash] for id_hash in item["mortgagor_id_hashes"]]
    return MortgageRight(unit_id=unit_ids[item["unit_no"]], mortgagor_party_ids=party_list, is_current=True,
                         **fields)


async def _raise_proof_counters(counters: dict[int, int], *, region: str, connection: Any) -> None:
    """Move each year's proof counter past the seeded proofs, so that new proofs continue without a gap."""
    for year, last_number in sorted(counters.items()):
        await ProofCounter.bulk_create([ProofCounter(region=region, year=year, last_number=0)],
                                       ignore_conflicts=True, using_db=connection)
        counter = await ProofCounter.filter(region=region, year=year).using_db(connection).get()
        if counter.last_number < last_number:
            counter.last_number = last_number
            await counter.save(update_fields=["last_number"], using_db=connection)


def _summary(plan: SeedPlan, *, seed: int) -> SeedSummary:
    return SeedSummary(
        seed=seed, already_seeded=False, source=plan.source, units=len(plan.units), parties=len(plan.parties),
        ownerships=len(plan.ownerships), mortgages=len(plan.mortgages), restrictions=len(plan.restrictions),
        entries=len(plan.entries), units_by_district=dict(Counter(unit["district"] for unit in plan.units)),
        cases=dict(plan.cases),
    )


async def find_scenario_units(limit: int = SCENARIO_UNITS_PER_CASE) -> dict[str, list[str]]:
    """Return up to `limit` unit numbers per demo case, the lowest unit numbers first, from the register's current state.

    Cases: clean_single_owner, joint_owned and share_owned (no mortgage, no restriction), seized,
    pre_seized, locked, objection, advance_notice_other (held by someone who owns no share),
    residence_right, and already_mortgaged (a current mortgage, no restriction).
    """
    units = dict(await PropertyUnit.all().values_list("id", "unit_no"))
    co_ownership = dict(await OwnershipRight.filter(is_current=True).values_list("unit_id", "co_ownership"))
    owners: dict[int, set[str]] = defaultdict(set)
    for unit_id, id_hash in await OwnershipShare.filter(ownership__is_current=True).values_list(
            "ownership__unit_id", "party__id_hash"):
        owners[unit_id].add(id_hash)
    mortgaged = set(await MortgageRight.filter(is_current=True).values_list("unit_id", flat=True))
    restricted: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for unit_id, kind, holder in await Restriction.filter(is_current=True).values_list(
            "unit_id", "kind", "holder_id_hash"):
        restricted[unit_id].append((kind, holder))

    cases: dict[str, list[str]] = defaultdict(list)
    for unit_id, unit_no in sorted(units.items(), key=lambda item: item[1]):
        for case in _cases_of(co_ownership.get(unit_id), owners[unit_id], unit_id in mortgaged, restricted[unit_id]):
            if len(cases[case]) < limit:
                cases[case].append(unit_no)
    return dict(cases)


_CLEAN_CASES = {"单独所有": "clean_single_owner", "共同共有": "joint_owned", "按份共有": "share_owned"}
_RESTRICTION_CASES = {"seizure": "seized", "pre_seizure": "pre_seized", "registry_lock": "locked",
                      "objection": "objection", "residence_right": "residence_right"}


def _cases_of(co_ownership: str | None, owners: set[str], mortgaged: bool,
              restrictions: list[tuple[str, str | None]]) -> list[str]:
    if co_ownership is None:
        return []
    if restrictions:
        cases = [_RESTRICTION_CASES[kind] for kind, _ in restrictions if kind in _RESTRICTION_CASES]
        cases += ["advance_notice_other" for kind, holder in restrictions
                  if kind == "advance_notice" and holder not in owners]
        return cases
    if mortgaged:
        return ["already_mortgaged"]
    return [_CLEAN_CASES[co_ownership]]
