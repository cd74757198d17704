"""Community names, districts and flat sizes for the seed register, read from the Changsha listings file.

The file is a 2022 scrape of Lianjia (链家) second-hand listings. Its header labels do not match
the columns after the third, and a few rows (villas, mixed-use units) carry extra or missing
fields, so each row is read by the shape of its values rather than by column position.
"""

import csv
import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

log = logging.getLogger(__name__)

HOUSING_FILE = "changsha_lianjia_ershoufang_2022.csv"


@dataclass(frozen=True)
class District:
    name: str  # as written in a location, such as 岳麓区
    division_code: str  # GB/T 2260
    short_name: str  # as the listings file writes it, such as 岳麓
    weight: int  # relative share of the seeded units


DISTRICTS = (
    District("芙蓉区", "430102", "芙蓉", 8),
    District("天心区", "430103", "天心", 11),
    District("岳麓区", "430104", "岳麓", 18),
    District("开福区", "430105", "开福", 11),
    District("雨花区", "430111", "雨花", 17),
    District("望城区", "430112", "望城", 9),
    District("长沙县", "430121", "长沙县", 12),
    District("浏阳市", "430181", "浏阳", 7),
    District("宁乡市", "430182", "宁乡", 7),
)
_BY_SHORT_NAME = {district.short_name: district for district in DISTRICTS}


@dataclass(frozen=True)
class Listing:
    """The facts of one listed flat that the seed reuses for a unit."""

    area: Decimal  # gross floor area in m²
    build_year: int | None
    total_floors: int | None


@dataclass(frozen=True)
class Community:
    district: District
    name: str
    listings: tuple[Listing, ...]  # empty for a generated community
    generated: bool = False


_AREA = re.compile(r"^(\d+(?:\.\d+)?)㎡$")
_BUILD_YEAR = re.compile(r"^(\d{4})年建")
_TOTAL_FLOORS = re.compile(r"共(\d+)层")
_LISTING_URL = "https://cs.lianjia.com/ershoufang/"


def load_communities(housing_dir: Path | None) -> tuple[list[Community], str]:
    """Return the communities for every district and where their names came from.

    Districts the file lacks (宁乡, 浏阳) or every district when the file is absent get generated
    names that say so (示例小区), so that they cannot pass for real places.
    """
    path = housing_dir / HOUSING_FILE if housing_dir is not None else None
    listings: dict[tuple[str, str], list[Listing]] = {}
    if path is not None and path.is_file():
        listings = _read_listings(path)
        source = str(path)
    else:
        log.warning("housing data file not found, seeding generated community names",
                    extra={"path": str(path) if path else None})
        source = "generated"

    communities = [
        Community(district=_BY_SHORT_NAME[short_name], name=name, listings=tuple(items))
        for (short_name, name), items in sorted(listings.items())
    ]
    covered = {community.district.short_name for community in communities}
    for district in DISTRICTS:
        if district.short_name not in covered:
            communities += _generated_communities(district)
    return communities, source


def _read_listings(path: Path) -> dict[tuple[str, str], list[Listing]]:
    listings: dict[tuple[str, str], list[Listing]] = {}
    seen_urls: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows, None)
        for row in rows:
            parsed = _parse_row(row)
            if parsed is None:
                continue
            url, short_name, name, listing = parsed
            # The scrape repeats some listings under a new row number; count each listing once.
            if url in seen_urls:
                continue
            seen_urls.add(url)
            listings.setdefault((short_name, name), []).append(listing)
    log.info("housing data read", extra={"path": str(path), "listings": len(seen_urls),
                                         "communities": len(listings)})
    return listings


def _parse_row(row: list[str]) -> tuple[str, str, str, Listing] | None:
    values = [value.strip() for value in row]
    if len(values) < 10 or not values[1]:
        return None

    url = next((value for value in values if value.startswith(_LISTING_URL)), None)
    short_name = next((value for value in values[2:] if value in _BY_SHORT_NAME), None)
    area = next((Decimal(match[1]) for value in values if (match := _AREA.match(value))), None)
    if url is None or short_name is None or area is None or not Decimal(15) <= area <= Decimal(400):
        return None

    build_year = next((int(match[1]) for value in values if (match := _BUILD_YEAR.match(value))), None)
    total_floors = next((int(match[1]) for value in values if (match := _TOTAL_FLOORS.search(value))), None)
    listing = Listing(area=area.quantize(Decimal("0.01")), build_year=build_year, total_floors=total_floors)
    return url, short_name, values[1], listing


def _generated_communities(district: District) -> list[Community]:
    return [
        Community(district=district, name=f"{district.short_name}示例{number}号小区", listings=(), generated=True)
        for number in range(1, 13)
    ]
