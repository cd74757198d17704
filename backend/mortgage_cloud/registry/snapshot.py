"""A unit as the register shows it now (现势): its facts, current owners, mortgages and restrictions."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

from tortoise.expressions import Q

from mortgage_cloud.registry.models import MortgageRight, OwnershipRight, OwnershipShare, PropertyUnit, Restriction


@dataclass(frozen=True)
class OwnershipView:
    certificate_no: str
    co_ownership: str  # 单独所有, 共同共有 or 按份共有
    registered_at: datetime
    is_current: bool


@dataclass(frozen=True)
class OwnerView:
    party_id: int
    name: str
    id_hash: str
    share: Decimal | None  # a fraction such as 0.5 for 按份共有; None otherwise


@dataclass(frozen=True)
class MortgageView:
    rank: int
    mortgagee_name: str
    mortgagee_uscc: str
    mortgage_type: str  # "general" or "maximum"
    amount: Decimal | None  # the secured amount, or the maximum secured amount of a maximum-amount mortgage
    proof_no: str
    debt_end: date
    registered_at: datetime


@dataclass(frozen=True)
class RestrictionView:
    kind: str
    holder_name: str
    holder_id_hash: str | None
    document_no: str
    registered_at: datetime


@dataclass(frozen=True)
class UnitSnapshot:
    """A unit's facts with its current ownership, owners, mortgages (by rank) and restrictions."""

    unit_no: str
    location: str
    district: str
    division_code: str
    community: str
    building: str
    room: str
    floor: int | None
    total_floors: int | None
    property_type: str
    use: str
    area: Decimal
    land_use_start: date | None
    land_use_end: date | None
    build_year: int | None
    ownership: OwnershipView | None
    owners: list[OwnerView] = field(default_factory=list)
    mortgages: list[MortgageView] = field(default_factory=list)
    restrictions: list[RestrictionView] = field(default_factory=list)


async def get_unit_snapshot(unit_no: str) -> UnitSnapshot | None:
    """Return the unit's current state, or None when the register has no such unit (five queries)."""
    unit = await PropertyUnit.get_or_none(unit_no=unit_no)
    if unit is None:
        return None
    snapshots = await _snapshots_for([unit])
    return snapshots[0]


async def units_owned_by(id_hash: str) -> list[UnitSnapshot]:
    """Return every unit whose current ownership names the party with this ID hash, ordered by unit number."""
    unit_ids = await OwnershipShare.filter(
        party__id_hash=id_hash, ownership__is_current=True
    ).values_list("ownership__unit_id", flat=True)
    if not unit_ids:
        return []
    units = await PropertyUnit.filter(id__in=set(unit_ids)).order_by("unit_no")
    return await _snapshots_for(units)


async def _snapshots_for(units: list[PropertyUnit]) -> list[UnitSnapshot]:
    """Build the snapshots of several units with one query per related table."""
    unit_ids = [unit.id for unit in units]
    now = datetime.now(timezone.utc)

    ownerships = await OwnershipRight.filter(unit_id__in=unit_ids, is_current=True).order_by("-registered_at")
    ownership_by_unit: dict[int, OwnershipRight] = {}
    for ownership in ownerships:
        ownership_by_unit.setdefault(ownership.unit_id, ownership)

    shares = await OwnershipShare.filter(
        ownership_id__in=[ownership.id for ownership in ownership_by_unit.values()]
    ).select_related("party").order_by("id")
    owners_by_ownership: dict[int, list[OwnerView]] = defaultdict(list)
    for share in shares:
        owners_by_ownership[share.ownership_id].append(
            OwnerView(party_id=share.party.id, name=share.party.name, id_hash=share.party.id_hash, share=share.share)
        )

    mortgages = await MortgageRight.filter(unit_id__in=unit_ids, is_current=True).order_by("rank")
    mortgages_by_unit: dict[int, list[MortgageView]] = defaultdict(list)
    for right in mortgages:
        mortgages_by_unit[right.unit_id].append(_mortgage_view(right))

    # A seizure with an end date lapses by itself when it is not renewed, so it no longer counts.
    restrictions = await Restriction.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now), unit_id__in=unit_ids, is_current=True
    ).order_by("registered_at", "id")
    restrictions_by_unit: dict[int, list[RestrictionView]] = defaultdict(list)
    for item in restrictions:
        restrictions_by_unit[item.unit_id].append(RestrictionView(
            kind=item.kind, holder_name=item.holder_name, holder_id_hash=item.holder_id_hash,
            document_no=item.document_no, registered_at=item.registered_at,
        ))

    snapshots = []
    for unit in units:
        ownership = ownership_by_unit.get(unit.id)
        snapshots.append(_snapshot(
            unit,
            ownership=ownership,
            owners=owners_by_ownership.get(ownership.id, []) if ownership else [],
            mortgages=mortgages_by_unit.get(unit.id, []),
            restrictions=restrictions_by_unit.get(unit.id, []),
        ))
    return snapshots


def _mortgage_view(right: MortgageRight) -> MortgageView:
    amount = right.max_secured_amount if right.mortgage_type == "maximum" else right.secured_amount
    return MortgageView(
        rank=right.rank, mortgagee_name=right.mortgagee_name, mortgagee_uscc=right.mortgagee_uscc,
        mortgage_type=right.mortgage_type, amount=amount, proof_no=right.proof_no, debt_end=right.debt_end,
        registered_at=right.registered_at,
    )


def _snapshot(
    unit: PropertyUnit, *, ownership: OwnershipRight | None, owners: list[OwnerView], mortgages: list[MortgageView],
    restrictions: list[RestrictionView],
) -> UnitSnapshot:
    ownership_view = None
    if ownership is not None:
        ownership_view = OwnershipView(certificate_no=ownership.certificate_no, co_ownership=ownership.co_ownership,
                                       registered_at=ownership.registered_at, is_current=ownership.is_current)
    return UnitSnapshot(
        unit_no=unit.unit_no, location=unit.location, district=unit.district, division_code=unit.division_code,
        community=unit.community, building=unit.building, room=unit.room, floor=unit.floor,
        total_floors=unit.total_floors, property_type=unit.property_type, use=unit.use, area=unit.area,
        land_use_start=unit.land_use_start, land_use_end=unit.land_use_end, build_year=unit.build_year,
        ownership=ownership_view, owners=owners, mortgages=mortgages, restrictions=restrictions,
    )
