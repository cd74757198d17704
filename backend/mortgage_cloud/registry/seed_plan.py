"""The seed register as plain data, drawn from one random seed: the same seed gives the same register.

Building the plan touches no database, so its determinism can be checked by building it twice.
ID numbers are hashed with the deployment's data key, so the hashes (and the chain over them)
repeat only under the same `MC_DATA_KEY`.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from mortgage_cloud.identifiers import CHINA_TZ, format_certificate_no, format_proof_no, make_unit_no
from mortgage_cloud.infra import pii
from mortgage_cloud.registry.chain import GENESIS_HASH, canonical_time, compute_entry_hash
from mortgage_cloud.registry.mortgages import mortgage_payload
from mortgage_cloud.registry.seed_people import MORTGAGEES, Person, court_name, make_person
from mortgage_cloud.registry.seed_source import DISTRICTS, Community, District

SEED_RECORDER = "seed"
# Every seeded registration happened before this day, so the register is the same whenever it is seeded.
REFERENCE_DAY = date(2026, 12, 1)
LAND_USE_YEARS = 70  # the term of a land grant for housing

# The first units get these cases in turn, so that a small seed still has two of each.
FORCED_CASES = (
    "single", "joint", "share", "seizure", "pre_seizure", "registry_lock", "objection", "advance_notice",
    "mortgaged_once", "mortgaged_twice",
) * 2
SHARE_SPLITS = ((Decimal("0.5"), Decimal("0.5")), (Decimal("0.6"), Decimal("0.4")), (Decimal("0.7"), Decimal("0.3")),
                (Decimal("0.4"), Decimal("0.3"), Decimal("0.3")))
PROVED_KINDS = ("objection", "advance_notice", "residence_right")
RESTRICTION_ODDS = (("seizure", 0.02), ("pre_seizure", 0.01), ("registry_lock", 0.01), ("objection", 0.015),
                    ("advance_notice", 0.015), ("residence_right", 0.005))


@dataclass
class PlannedParty:
    person: Person
    id_hash: str
    address: str


@dataclass
class PlannedOwnership:
    unit_no: str
    certificate_no: str
    co_ownership: str
    registered_at: datetime
    owners: list[tuple[str, Decimal | None]]  # (id_hash, share)


@dataclass
class PlannedRestriction:
    unit_no: str
    kind: str
    holder_name: str
    holder_id_hash: str | None
    document_no: str
    registered_at: datetime
    ends_at: datetime | None


@dataclass
class SeedPlan:
    """Rows to insert, in insertion order, and what they amount to."""

    source: str
    units: list[dict[str, Any]] = field(default_factory=list)
    parties: dict[str, PlannedParty] = field(default_factory=dict)  # by id_hash
    ownerships: list[PlannedOwnership] = field(default_factory=list)
    mortgages: list[dict[str, Any]] = field(default_factory=list)  # MortgageRight fields, with unit_no and id hashes
    restrictions: list[PlannedRestriction] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)  # RegisterEntry fields
    proof_counters: dict[int, int] = field(default_factory=dict)  # year -> last proof number
    cases: Counter = field(default_factory=Counter)


def build_plan(
    *, seed: int, units: int, communities: list[Community], source: str, province: str = "湘", city: str = "长沙市",
) -> SeedPlan:
    """Draw the whole seed register from `seed`; the same arguments give the same plan."""
    rng = random.Random(seed)
    plan = SeedPlan(source=source)
    layout = _Layout(communities)
    taken_ids: set[str] = set()
    single_owners: list[str] = []

    for index, district in enumerate(_districts_for(units, rng)):
        case = FORCED_CASES[index] if index < len(FORCED_CASES) else None
        unit = layout.next_unit(district, rng)
        plan.units.append(unit)
        ownership = _plan_ownership(plan, unit, rng, case=case, taken_ids=taken_ids, single_owners=single_owners)
        _plan_mortgages(plan, unit, ownership, rng, case=case)
        _plan_restriction(plan, unit, ownership, rng, case=case, taken_ids=taken_ids)

    _assign_numbers(plan, province=province, city=city)
    plan.entries = _chain_entries(plan)
    return plan


def _assign_numbers(plan: SeedPlan, *, province: str, city: str) -> None:
    """Number certificates and proofs per year in the order they were registered, as a registry issues them."""
    certificates: Counter = Counter()
    for ownership in sorted(plan.ownerships, key=lambda item: (item.registered_at, item.unit_no)):
        year = ownership.registered_at.astimezone(CHINA_TZ).year
        certificates[year] += 1
        ownership.certificate_no = format_certificate_no(province, year, city, certificates[year])

    # Objections, advance notices and residence rights are proved by a registration proof, as mortgages are.
    proved: list[tuple[datetime, str, Any]] = [(item["registered_at"], item["unit_no"], item) for item in plan.mortgages]
    proved += [(item.registered_at, item.unit_no, item) for item in plan.restrictions if item.kind in PROVED_KINDS]
    proofs: Counter = Counter()
    for registered_at, _, item in sorted(proved, key=lambda entry: entry[:2]):
        year = registered_at.astimezone(CHINA_TZ).year
        proofs[year] += 1
        proof_no = format_proof_no(province, year, city, proofs[year])
        if isinstance(item, dict):
            item["proof_no"] = proof_no
        else:
            item.document_no = proof_no
    plan.proof_counters = dict(proofs)


def _districts_for(units: int, rng: random.Random) -> list[District]:
    """Share the units among the districts by weight (largest remainder), then shuffle their order."""
    total_weight = sum(district.weight for district in DISTRICTS)
    exact = [units * district.weight / total_weight for district in DISTRICTS]
    counts = [int(value) for value in exact]
    by_remainder = sorted(range(len(DISTRICTS)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: units - sum(counts)]:
        counts[i] += 1

    order = [district for district, count in zip(DISTRICTS, counts, strict=True) for _ in range(count)]
    rng.shuffle(order)
    return order


class _Layout:
    """Places units in communities, buildings and rooms, and numbers them."""

    def __init__(self, communities: list[Community]) -> None:
        self.by_district: dict[str, list[Community]] = {}
        for community in communities:
            self.by_district.setdefault(community.district.name, []).append(community)
        self.parcels: dict[str, int] = {}  # community key -> parcel number in its district
        self.parcels_per_district: Counter = Counter()
        self.used_rooms: set[tuple[str, int, str]] = set()
        self.unit_seqs: Counter = Counter()

    def next_unit(self, district: District, rng: random.Random) -> dict[str, Any]:
        community = rng.choice(self.by_district[district.name])
        key = f"{district.name}/{community.name}"
        if key not in self.parcels:
            self.parcels_per_district[district.name] += 1
            self.parcels[key] = self.parcels_per_district[district.name]
        parcel_no = self.parcels[key]

        area, build_year, total_floors = _flat_facts(community, rng)
        while True:
            building = rng.randint(1, 24)
            floor = rng.randint(1, total_floors)
            room = f"{floor}{rng.randint(1, 4):02d}"
            if (key, building, room) not in self.used_rooms:
                self.used_rooms.add((key, building, room))
                break
        self.unit_seqs[(key, building)] += 1

        # Ten parcels to a cadastral subzone, ten subzones to a zone, as a district's survey might number them.
        unit_no = make_unit_no(
            division_code=district.division_code, zone=1 + (parcel_no - 1) // 100,
            subzone=1 + ((parcel_no - 1) // 10) % 10, parcel_no=parcel_no, building=building,
            unit_seq=self.unit_seqs[(key, building)],
        )
        grant = date(build_year - rng.choice((1, 2, 3)), rng.randint(1, 12), rng.randint(1, 28))
        return {
            "unit_no": unit_no, "location": f"长沙市{district.name}{community.name}{building}栋{room}室",
            "district": district.name, "division_code": district.division_code, "community": community.name,
            "building": f"{building}栋", "room": f"{room}室", "floor": floor, "total_floors": total_floors,
            "property_type": "住宅", "use": "住宅", "area": area, "land_use_start": grant,
            "land_use_end": grant.replace(year=grant.year + LAND_USE_YEARS), "build_year": build_year,
        }


def _flat_facts(community: Community, rng: random.Random) -> tuple[Decimal, int, int]:
    if community.listings:
        listing = rng.choice(community.listings)
        area, build_year, total_floors = listing.area, listing.build_year, listing.total_floors
    else:
        area, build_year, total_floors = Decimal(rng.randint(5500, 16000)) / 100, None, None
    return area, build_year or rng.randint(1998, 2020), total_floors or rng.choice((6, 11, 18, 26, 33))


def _registration_time(rng: random.Random, *, after: date, before: date = REFERENCE_DAY) -> datetime:
    """Draw an office-hours time (China time) between two days, returned in UTC."""
    first = max(after, date(2015, 3, 1))  # unified real-estate registration began in March 2015
    span = max((before - first).days, 1)
    day = first + timedelta(days=rng.randrange(span))
    moment = datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59), rng.randint(0, 59)), CHINA_TZ)
    return moment.astimezone(timezone.utc)


def _party(plan: SeedPlan, person: Person, *, address: str) -> str:
    id_hash = pii.search_hash(person.id_number)
    plan.parties.setdefault(id_hash, PlannedParty(person=person, id_hash=id_hash, address=address))
    return id_hash


def _plan_ownership(
    plan: SeedPlan, unit: dict[str, Any], rng: random.Random, *, case: str | None, taken_ids: set[str],
    single_owners: list[str],
) -> PlannedOwnership:
    roll = rng.random()
    if case in ("single", "joint", "share"):
        kind = case
    elif roll < 0.63:
        kind = "single"
    elif roll < 0.88:
        kind = "joint"
    else:
        kind = "share"
    registered_at = _registration_time(rng, after=date(unit["build_year"] + 1, 1, 1))
    address = unit["location"]

    if kind == "single":
        # About one single owner in twenty owns a second flat, so a borrower can have several units.
        if single_owners and case is None and rng.random() < 0.05:
            owners = [(rng.choice(single_owners), None)]
        else:
            owners = [(_party(plan, make_person(rng, taken_ids=taken_ids), address=address), None)]
            single_owners.append(owners[0][0])
        co_ownership = "单独所有"
    elif kind == "joint":
        owners = [(_party(plan, make_person(rng, taken_ids=taken_ids), address=address), None) for _ in range(2)]
        co_ownership = "共同共有"
    else:
        split = rng.choice(SHARE_SPLITS)
        owners = [(_party(plan, make_person(rng, taken_ids=taken_ids), address=address), share) for share in split]
        co_ownership = "按份共有"

    ownership = PlannedOwnership(
        unit_no=unit["unit_no"], certificate_no="",
        co_ownership=co_ownership, registered_at=registered_at, owners=owners,
    )
    plan.ownerships.append(ownership)
    plan.cases[co_ownership] += 1
    return ownership


def _plan_mortgages(
    plan: SeedPlan, unit: dict[str, Any], ownership: PlannedOwnership, rng: random.Random, *, case: str | None,
) -> None:
    roll = rng.random()
    if case is not None:
        count = {"mortgaged_once": 1, "mortgaged_twice": 2}.get(case, 0)
    elif roll < 0.03:
        count = 2
    elif roll < 0.28:
        count = 1
    else:
        count = 0

    after = ownership.registered_at.astimezone(CHINA_TZ).date()
    for rank in range(1, count + 1):
        registered_at = _registration_time(rng, after=after + timedelta(days=1))
        after = registered_at.astimezone(CHINA_TZ).date()
        plan.mortgages.append(_mortgage(plan, unit, ownership, rng, rank=rank, registered_at=registered_at))
    if count:
        plan.cases[f"mortgages_{count}"] += 1


def _mortgage(
    plan: SeedPlan, unit: dict[str, Any], ownership: PlannedOwnership, rng: random.Random, *, rank: int,
    registered_at: datetime,
) -> dict[str, Any]:
    lender = rng.choice(MORTGAGEES)
    start = registered_at.astimezone(CHINA_TZ).date()
    end = min(start.replace(year=start.year + rng.choice((10, 15, 20, 25, 30)), day=min(start.day, 28)),
              unit["land_use_end"])
    amount = (unit["area"] * rng.randint(4000, 9000) / 10000).quantize(Decimal("1")) * 10000
    is_maximum = rng.random() < 0.1
    return {
        "unit_no": unit["unit_no"], "application_id": None, "mortgagee_name": lender.name,
        "mortgagee_uscc": lender.uscc, "mortgagor_id_hashes": [id_hash for id_hash, _ in ownership.owners],
        "debtor_name": plan.parties[ownership.owners[0][0]].person.name, "mortgage_type": "maximum" if is_maximum else "general",
        "secured_amount": None if is_maximum else amount, "max_secured_amount": amount if is_maximum else None,
        "debt_start": start, "debt_end": end, "guarantee_scope": "主债权及利息、违约金、损害赔偿金和实现抵押权的费用",
        "transfer_restricted": rng.random() < 0.5, "rank": rank, "proof_no": "",
        "registered_at": registered_at, "recorded_by": SEED_RECORDER,
    }


def _plan_restriction(
    plan: SeedPlan, unit: dict[str, Any], ownership: PlannedOwnership, rng: random.Random, *, case: str | None,
    taken_ids: set[str],
) -> None:
    roll = rng.random()
    kind = None
    if case is None:
        threshold = 0.0
        for candidate, odds in RESTRICTION_ODDS:
            threshold += odds
            if roll < threshold:
                kind = candidate
                break
    elif case in dict(RESTRICTION_ODDS):
        kind = case
    if kind is None:
        return

    # Seizures last three years and lapse unless renewed, so seeded ones are recent enough to be current.
    after = max(ownership.registered_at.astimezone(CHINA_TZ).date(), REFERENCE_DAY - timedelta(days=700))
    registered_at = _registration_time(rng, after=after)
    year = registered_at.astimezone(CHINA_TZ).year
    court_code = unit["division_code"][2:]
    holder_id_hash = None
    ends_at = None

    if kind in ("seizure", "pre_seizure"):
        holder_name = court_name(unit["district"])
        document_no = f"({year})湘{court_code}执保{rng.randint(1, 3000)}号"
        ends_at = registered_at + timedelta(days=3 * 365 if kind == "seizure" else 2 * 365)
    elif kind == "registry_lock":
        holder_name = "长沙市不动产登记中心"
        document_no = f"长不动锁字({year}){rng.randint(1, 500)}号"
    else:
        claimant = make_person(rng, taken_ids=taken_ids)
        holder_name = claimant.name
        holder_id_hash = pii.search_hash(claimant.id_number)
        document_no = ""  # the registration proof number, given in date order with the others

    plan.restrictions.append(PlannedRestriction(
        unit_no=unit["unit_no"], kind=kind, holder_name=holder_name, holder_id_hash=holder_id_hash,
        document_no=document_no, registered_at=registered_at, ends_at=ends_at,
    ))
    plan.cases[kind] += 1


def _chain_entries(plan: SeedPlan) -> list[dict[str, Any]]:
    """Build each unit's hash-chained entries in the order its rights were registered."""
    events: dict[str, list[tuple[datetime, str, dict[str, Any]]]] = {}
    for ownership in plan.ownerships:
        events.setdefault(ownership.unit_no, []).append(
            (ownership.registered_at, "ownership_registered", _ownership_payload(plan, ownership)))
    for mortgage in plan.mortgages:
        payload = mortgage_payload(SimpleNamespace(**mortgage), mortgage["mortgagor_id_hashes"])
        events.setdefault(mortgage["unit_no"], []).append((mortgage["registered_at"], "mortgage_registered", payload))
    for item in plan.restrictions:
        events.setdefault(item.unit_no, []).append((item.registered_at, "restriction_registered",
                                                    _restriction_payload(item)))

    entries = []
    for unit_no in sorted(events):
        prev_hash = GENESIS_HASH
        for seq, (recorded_at, kind, payload) in enumerate(sorted(events[unit_no], key=lambda e: e[0]), start=1):
            entry_hash = compute_entry_hash(prev_hash=prev_hash, unit_no=unit_no, seq=seq, kind=kind,
                                            payload=payload, recorded_at=recorded_at, recorded_by=SEED_RECORDER)
            entries.append({"unit_no": unit_no, "seq": seq, "kind": kind, "payload": payload, "prev_hash": prev_hash,
                            "entry_hash": entry_hash, "recorded_at": recorded_at, "recorded_by": SEED_RECORDER})
            prev_hash = entry_hash
    return entries


def _ownership_payload(plan: SeedPlan, ownership: PlannedOwnership) -> dict[str, Any]:
    return {
        "certificate_no": ownership.certificate_no,
        "co_ownership": ownership.co_ownership,
        "owners": [
            {"name": plan.parties[id_hash].person.name, "id_hash": id_hash,
             "share": None if share is None else str(share)}
            for id_hash, share in ownership.owners
        ],
        "registered_at": canonical_time(ownership.registered_at),
    }


def _restriction_payload(item: PlannedRestriction) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "holder_name": item.holder_name,
        "holder_id_hash": item.holder_id_hash,
        "document_no": item.document_no,
        "registered_at": canonical_time(item.registered_at),
        "ends_at": None if item.ends_at is None else canonical_time(item.ends_at),
    }
