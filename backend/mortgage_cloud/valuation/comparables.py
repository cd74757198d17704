"""Comparable listings from the subject's community, each adjusted to the subject by explicit factors.

When the subject's community has no listing of a similar area, the comparables come from its
sibling communities in the same district: the other phases or zones of the same estate (三期 for a
subject in 六期), else the communities whose estate key shares the longest name prefix of at least
`MIN_SHARED_PREFIX` characters (保利麓谷林语C区 for 保利麓谷林语蔷薇谷).

The factors come from a hedonic regression within communities (community fixed effects), so each
one measures how the log unit price moves with area, floor band, building age, decoration and listing
month when the community is held fixed.
"""

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from mortgage_cloud.valuation.features import DECORATION_CODES, FLOOR_BANDS, Subject, estate_of, months_since_2000
from mortgage_cloud.valuation.sources import Listing

MAX_COMPARABLES = 6
AREA_RATIO_LIMIT = 1.8  # a comparable may be at most this many times larger or smaller than the subject
RIDGE = 1.0
# Characters of estate key a prefix sibling shares with the subject's. Three characters also join
# brand or province prefixes (佳兆业, 湖南省), and 4 scored best in cross-validation (3, 4 and 5 tried).
MIN_SHARED_PREFIX = 4


@dataclass(frozen=True)
class Adjustments:
    """Log unit-price factors: per log m² of area, per floor band, per year of age, per decoration, per month."""

    log_area: float
    floor_band: dict[str, float]
    age_per_year: float
    decoration: dict[str, float]
    per_month: float
    reference_month: float
    reference_year: int


@dataclass(frozen=True)
class Comparable:
    """One comparable listing with the factors that bring its unit price to the subject."""

    listing_id: str
    community: str
    area: float
    floor_band: str | None
    total_floors: int | None
    build_year: int | None
    decoration: str
    listing_date: date | None
    unit_price: float
    total_price: float
    adjustments: dict[str, float]  # factor name → multiplicative factor on the unit price
    adjusted_unit_price: float
    weight: float
    relation: str = "community"  # community, or estate / prefix for a sibling community's listing

    def to_dict(self) -> dict:
        """Return the comparable as JSON-ready values."""
        return {
            "listing_id": self.listing_id,
            "community": self.community,
            "area": round(self.area, 2),
            "floor_band": self.floor_band,
            "total_floors": self.total_floors,
            "build_year": self.build_year,
            "decoration": self.decoration,
            "listing_date": self.listing_date.isoformat() if self.listing_date else None,
            "unit_price": round(self.unit_price),
            "total_price": round(self.total_price),
            "adjustments": {name: round(value, 4) for name, value in self.adjustments.items()},
            "adjusted_unit_price": round(self.adjusted_unit_price),
            "weight": round(self.weight, 3),
            "relation": self.relation,
        }


@dataclass(frozen=True)
class ComparablesEstimate:
    """The weighted comparables' log unit price, its spread and the comparables used."""

    log_unit_price: float
    spread: float
    comparables: list[Comparable]
    level: str = "community"  # community, or estate / prefix when they come from sibling communities


def fit_adjustments(listings: list[Listing]) -> Adjustments:
    """Fit the adjustment factors by ridge regression on community-demeaned features."""
    reference_month = max((months_since_2000(item.listing_date) for item in listings if item.listing_date), default=math.nan)
    reference_year = max((item.listing_date.year for item in listings if item.listing_date), default=date.today().year)
    decorations = [name for name in DECORATION_CODES if name != "毛坯"]

    rows, targets, groups = [], [], []
    for item in listings:
        rows.append(_design_row(item, decorations, reference_year))
        targets.append(math.log(item.unit_price))
        groups.append(item.community)
    x, y = _demean(np.array(rows), np.array(targets), groups)

    coefficients = np.linalg.solve(x.T @ x + RIDGE * np.eye(x.shape[1]), x.T @ y)
    log_area, low, high, age, known_age, *rest = coefficients
    per_month = rest[-1]
    decoration = {"毛坯": 0.0} | {name: float(value) for name, value in zip(decorations, rest[:-1], strict=True)}
    return Adjustments(
        log_area=float(log_area),
        floor_band={"低": float(low), "中": 0.0, "高": float(high)},
        age_per_year=float(age),
        decoration=decoration,
        per_month=float(per_month) if not math.isnan(reference_month) else 0.0,
        reference_month=reference_month,
        reference_year=reference_year,
    )


def _design_row(item: Listing, decorations: list[str], reference_year: int) -> list[float]:
    months = months_since_2000(item.listing_date)
    return [
        math.log(item.area),
        float(item.floor_band == "低"),
        float(item.floor_band == "高"),
        reference_year - item.build_year if item.build_year else 0.0,
        float(item.build_year is not None),
        *[float(item.decoration == name) for name in decorations],
        0.0 if math.isnan(months) else months,
    ]


def _demean(x: np.ndarray, y: np.ndarray, groups: list[str]) -> tuple[np.ndarray, np.ndarray]:
    codes = {name: index for index, name in enumerate(dict.fromkeys(groups))}
    group_index = np.array([codes[name] for name in groups])
    counts = np.bincount(group_index)
    x_means = np.stack([np.bincount(group_index, weights=x[:, column]) for column in range(x.shape[1])], axis=1) / counts[:, None]
    y_means = np.bincount(group_index, weights=y) / counts
    return x - x_means[group_index], y - y_means[group_index]


class ComparablesIndex:
    """The training listings grouped by community, and the communities grouped by district and estate key."""

    def __init__(self, listings: list[Listing]) -> None:
        self.by_community: dict[str, list[Listing]] = {}
        for item in listings:
            self.by_community.setdefault(item.community, []).append(item)
        self._index_estates()

    def __setstate__(self, state: dict) -> None:
        # Estate keys are rebuilt on load, so a model file saved with an older key rule uses the current one.
        self.__dict__.update(state)
        self._index_estates()

    def _index_estates(self) -> None:
        self.estates: dict[str, dict[str, list[str]]] = {}  # district → estate key → communities
        for community, listings in self.by_community.items():
            for district in dict.fromkeys(item.district for item in listings):
                self.estates.setdefault(district, {}).setdefault(estate_of(community), []).append(community)
        self.__dict__.pop("by_estate", None)

    def community_prices(self, community: str) -> list[float]:
        """Return the unit prices of the community's listings."""
        return [item.unit_price for item in self.by_community.get(community, [])]

    def siblings(self, district: str, community: str) -> tuple[str, list[str]]:
        """Return the relation (estate or prefix) and the sibling communities of a community in the same district.

        Siblings of the same estate key come first. Without them, the siblings are the communities whose
        estate key shares the longest prefix with the community's, if that prefix has at least
        `MIN_SHARED_PREFIX` characters. No sibling returns ("", []).
        """
        key = estate_of(community)
        estates = self.estates.get(district, {})
        same_estate = [name for name in estates.get(key, []) if name != community]
        if same_estate:
            return "estate", same_estate

        # The subject's own estate key contains no other community here, so the prefix search skips it.
        longest, names = 0, []
        for other, communities in estates.items():
            shared = _shared_prefix_length(key, other) if other != key else 0
            if shared > longest:
                longest, names = shared, list(communities)
            elif shared == longest:
                names += communities
        if longest < MIN_SHARED_PREFIX:
            return "", []
        return "prefix", names

    def estimate(self, subject: Subject, adjustments: Adjustments) -> ComparablesEstimate | None:
        """Select the closest listings of the subject's community (else its siblings') and return their adjusted estimate."""
        level = "community"
        candidates = _similar_area(self.by_community.get(subject.community, []), subject)
        if not candidates:
            level, names = self.siblings(subject.district, subject.community)
            for name in names:
                candidates += _similar_area(self._district_listings(name, subject.district), subject)
        if not candidates:
            return None

        scored = sorted(candidates, key=lambda item: _distance(subject, item, adjustments))[:MAX_COMPARABLES]
        comparables = [_adjust(subject, item, adjustments, relation=level) for item in scored]
        logs = np.log([item.adjusted_unit_price for item in comparables])
        weights = np.array([item.weight for item in comparables])
        centre = float(np.average(logs, weights=weights))
        spread = float(math.sqrt(np.average((logs - centre) ** 2, weights=weights)))
        return ComparablesEstimate(log_unit_price=centre, spread=spread, comparables=comparables, level=level)

    def _district_listings(self, community: str, district: str) -> list[Listing]:
        return [item for item in self.by_community.get(community, []) if item.district == district]


def _shared_prefix_length(first: str, second: str) -> int:
    length = 0
    for left, right in zip(first, second, strict=False):
        if left != right:
            break
        length += 1
    return length


def _similar_area(listings: list[Listing], subject: Subject) -> list[Listing]:
    return [item for item in listings if 1 / AREA_RATIO_LIMIT <= item.area / subject.area <= AREA_RATIO_LIMIT]


def _distance(subject: Subject, item: Listing, adjustments: Adjustments) -> float:
    distance = 2.0 * abs(math.log(item.area / subject.area))
    if subject.floor_band and item.floor_band and subject.floor_band != item.floor_band:
        distance += 0.15 * abs(FLOOR_BANDS[subject.floor_band] - FLOOR_BANDS[item.floor_band])
    if subject.build_year and item.build_year:
        distance += 0.02 * abs(subject.build_year - item.build_year)
    if item.listing_date and not math.isnan(adjustments.reference_month):
        distance += 0.01 * (adjustments.reference_month - months_since_2000(item.listing_date))
    if subject.decoration and item.decoration and subject.decoration != item.decoration:
        distance += 0.1
    return distance


def _target_month(subject: Subject, adjustments: Adjustments) -> float:
    # A subject without a date is valued at the latest listing month in the training data, and a later date is capped to it.
    month = months_since_2000(subject.as_of)
    return adjustments.reference_month if math.isnan(month) else min(month, adjustments.reference_month)


def _adjust(subject: Subject, item: Listing, adjustments: Adjustments, *, relation: str = "community") -> Comparable:
    factors: dict[str, float] = {"area": math.exp(adjustments.log_area * math.log(subject.area / item.area))}
    if subject.floor_band and item.floor_band:
        bands = adjustments.floor_band
        factors["floor_band"] = math.exp(bands[subject.floor_band] - bands[item.floor_band])
    if subject.build_year and item.build_year:
        factors["age"] = math.exp(adjustments.age_per_year * (item.build_year - subject.build_year))
    if subject.decoration and item.decoration:
        finish = adjustments.decoration
        factors["decoration"] = math.exp(finish[subject.decoration] - finish[item.decoration])
    if item.listing_date and not math.isnan(adjustments.reference_month):
        months = _target_month(subject, adjustments) - months_since_2000(item.listing_date)
        factors["time"] = math.exp(adjustments.per_month * months)

    adjusted = item.unit_price * math.prod(factors.values())
    return Comparable(
        listing_id=item.source_listing_id,
        community=item.community,
        area=item.area,
        floor_band=item.floor_band,
        total_floors=item.total_floors,
        build_year=item.build_year,
        decoration=item.decoration,
        listing_date=item.listing_date,
        unit_price=item.unit_price,
        total_price=item.total_price,
        adjustments=factors,
        adjusted_unit_price=adjusted,
        weight=1.0 / (1.0 + 4.0 * _distance(subject, item, adjustments)),
        relation=relation,
    )
