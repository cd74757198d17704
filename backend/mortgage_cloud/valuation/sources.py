"""Parse listing files (Lianjia second-hand listings) into `Listing` records, by content rather than by header.

Two shapes are known. The Changsha detail-page shape has a header whose labels do not match the
columns, so each field is recognised by its value. The Beijing shape has English headers, two of
which are misnamed (`Elevator` contains the building type, `District` the business area).
"""

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

MISSING = "暂无数据"
LIANJIA_URL = re.compile(r"https?://(\w+)\.lianjia\.com/ershoufang/(\d+)\.html")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LAYOUT = re.compile(r"(\d+)室(\d+)厅(?:(\d+)厨)?(?:(\d+)卫)?")
LAYOUT_ROOMS = re.compile(r"(\d+)房间(?:(\d+)卫)?")
FLOOR = re.compile(r"([低中高])楼层\s*\(共(\d+)层\)")
DECORATIONS = {"精装", "简装", "毛坯", "其他"}
CITY_BY_HOST = {"cs": "长沙", "bj": "北京"}
EXAMPLES_PER_REASON = 3


class Shape(StrEnum):
    CHANGSHA_DETAIL = "lianjia_detail"
    BEIJING_LIST = "lianjia_list"


@dataclass
class Listing:
    """One listing as read from a file: the fields the valuation uses, with None where unknown."""

    source: str
    source_listing_id: str
    city: str
    district: str
    community: str
    area: float
    total_price: float  # yuan
    unit_price: float  # yuan per m² of gross area
    rooms: int | None = None
    halls: int | None = None
    kitchens: int | None = None
    baths: int | None = None
    floor_band: str | None = None  # 低, 中 or 高
    total_floors: int | None = None
    build_year: int | None = None
    orientation: str = ""
    decoration: str = ""
    has_lift: bool | None = None
    building_type: str = ""
    property_use: str = ""
    listing_date: date | None = None


@dataclass
class ParseResult:
    """The listings of one file after de-duplication, and what was dropped and why."""

    shape: Shape
    rows_read: int = 0
    listings: list[Listing] = field(default_factory=list)
    duplicates: int = 0
    repaired: int = 0
    dropped: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def drop(self, reason: str, example: str) -> None:
        """Count one dropped row under its reason and keep the first few as examples."""
        self.dropped[reason] += 1
        kept = self.examples.setdefault(reason, [])
        if len(kept) < EXAMPLES_PER_REASON:
            kept.append(example[:160])


class RowError(ValueError):
    """A row that cannot be read; the message is the reason shown in the import summary."""


class UnknownShape(ValueError):
    """A file whose content matches no known listing shape."""


def read_file(path: Path, *, city: str | None = None) -> ParseResult:
    """Parse one listing file of a known shape; raise UnknownShape when its content matches none."""
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    shape = detect_shape(rows)
    if shape is Shape.CHANGSHA_DETAIL:
        return _parse_rows(rows, shape, parse_detail_row, city=city)
    return _parse_rows(rows, shape, parse_list_row, city=city, header=rows[0])


def detect_shape(rows: list[list[str]]) -> Shape:
    """Recognise the shape from the first data rows' values, not from the header's labels."""
    sample = [row for row in rows[1:40] if row]
    if not sample:
        raise UnknownShape("文件中没有数据行。")

    detail_hits = sum(1 for row in sample if len(row) > 9 and LIANJIA_URL.match(row[2].strip()) and row[5].endswith("万"))
    if detail_hits >= len(sample) * 0.8:
        return Shape.CHANGSHA_DETAIL

    header = {name.strip() for name in rows[0]}
    if {"Garden", "Price", "UnitPrice", "Size", "Region", "Id"} <= header:
        return Shape.BEIJING_LIST
    raise UnknownShape("无法识别文件格式：既不是链家详情页格式（第3列为房源链接），也不是链家列表格式（含 Garden、Price、UnitPrice 等列）。")


def _parse_rows(rows, shape, parse_row, *, city, header=None) -> ParseResult:
    result = ParseResult(shape=shape)
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if header is not None and [cell.strip() for cell in row] == [cell.strip() for cell in header]:
            result.drop("repeated header row", f"line {number}")
            continue

        result.rows_read += 1
        try:
            listing, repaired = parse_row(row, header=header)
        except RowError as error:
            result.drop(str(error), f"line {number}: {','.join(row)}")
            continue

        if city:
            listing.city = city
        key = listing.source_listing_id
        if key in seen:
            result.duplicates += 1
            continue
        seen[key] = len(result.listings)
        result.listings.append(listing)
        result.repaired += int(repaired)
    return result


def parse_detail_row(row: list[str], *, header=None) -> tuple[Listing, bool]:  # noqa: ARG001
    """Read a Changsha detail-page row by value; return the listing and whether its columns were shifted."""
    cells = [cell.strip() for cell in row]
    if len(cells) < 20:
        raise RowError("too few fields")

    match = LIANJIA_URL.match(cells[2])
    if not match:
        raise RowError("no listing URL in column 3")
    host, listing_id = match.groups()

    total_price = _number(cells[5], suffix="万", reason="total price unreadable") * 10_000
    unit_price = _number(cells[6], suffix="元/平米", reason="unit price unreadable")
    area = _number(cells[9], suffix="㎡", reason="area unreadable")
    _check_price(total_price, unit_price, area)

    rooms, halls, kitchens, baths = _layout(cells[7])
    floor_band, total_floors = _floor(cells[8])
    tail = cells[10:]
    listing = Listing(
        source="lianjia",
        source_listing_id=listing_id,
        city=CITY_BY_HOST.get(host, host),
        district=_required(cells[4], "district missing"),
        community=_required(cells[1], "community missing"),
        area=area,
        total_price=total_price,
        unit_price=unit_price,
        rooms=rooms,
        halls=halls,
        kitchens=kitchens,
        baths=baths,
        floor_band=floor_band,
        total_floors=total_floors,
        build_year=_build_year(cells[3]),
        building_type=_building_type(cells[3]),
        orientation=_orientation(tail),
        decoration=next((cell for cell in tail if cell in DECORATIONS), ""),
        has_lift=_lift(tail),
        listing_date=_listing_date(tail),
        property_use=_property_use(tail),
    )
    return listing, len(cells) not in (26, 27)


def parse_list_row(row: list[str], *, header: list[str]) -> tuple[Listing, bool]:
    """Read a Beijing list-shape row by its header names; return the listing and False (never shifted)."""
    if len(row) != len(header):
        raise RowError("wrong number of fields")
    cells = {name.strip(): value.strip() for name, value in zip(header, row, strict=True)}

    listing_id = cells["Id"]
    if not listing_id.isdigit():
        raise RowError("listing id not a number")
    total_price = _number(cells["Price"], suffix="万", reason="total price unreadable") * 10_000
    unit_price = _number(cells["UnitPrice"].replace(",", ""), suffix="元/平", reason="unit price unreadable")
    area = _number(cells["Size"], suffix="", reason="area unreadable")
    # Areas are rounded to whole m² in this shape, so a small unit's price ratio can be off by a few per cent.
    _check_price(total_price, unit_price, area, tolerance=0.08)

    rooms, halls, kitchens, baths = _layout(cells["Layout"])
    year = int(cells["Year"]) if cells["Year"].isdigit() else None
    listing = Listing(
        source="lianjia",
        source_listing_id=listing_id,
        city="北京",
        district=_required(cells["Region"].removesuffix("其他"), "district missing"),
        community=_required(cells["Garden"], "community missing"),
        area=area,
        total_price=total_price,
        unit_price=unit_price,
        rooms=rooms,
        halls=halls,
        kitchens=kitchens,
        baths=baths,
        total_floors=int(cells["Floor"]) if cells["Floor"].isdigit() else None,
        build_year=year if year and 1900 < year <= date.today().year else None,
        orientation=cells["Direction"] if cells["Direction"] != MISSING else "",
        decoration=cells["Renovation"] if cells["Renovation"] in DECORATIONS else "",
        building_type=cells["Elevator"] if cells["Elevator"] != MISSING else "",
    )
    return listing, False


def _number(text: str, *, suffix: str, reason: str) -> float:
    try:
        value = float(text.removesuffix(suffix).strip())
    except ValueError:
        raise RowError(reason) from None
    if value <= 0:
        raise RowError(reason)
    return value


def _check_price(total_price: float, unit_price: float, area: float, *, tolerance: float = 0.03) -> None:
    if area < 8 or area > 3000:
        raise RowError("area out of range")
    if abs(total_price / area - unit_price) > tolerance * unit_price:
        raise RowError("total price does not match unit price × area")


def _required(text: str, reason: str) -> str:
    if not text or text == MISSING:
        raise RowError(reason)
    return text


def _layout(text: str) -> tuple[int | None, int | None, int | None, int | None]:
    match = LAYOUT.search(text)
    if match:
        return tuple(int(group) if group is not None else None for group in match.groups())
    match = LAYOUT_ROOMS.search(text)
    if match:
        return int(match.group(1)), None, None, int(match.group(2)) if match.group(2) else None
    return None, None, None, None


def _floor(text: str) -> tuple[str | None, int | None]:
    match = FLOOR.search(text)
    if not match:
        raise RowError("floor unreadable")
    return match.group(1), int(match.group(2))


def _build_year(text: str) -> int | None:
    match = re.match(r"(\d{4})年建", text)
    return int(match.group(1)) if match else None


def _building_type(text: str) -> str:
    kind = text.split("/", 1)[1] if "/" in text else ""
    return "" if kind == MISSING else kind


def _orientation(tail: list[str]) -> str:
    # The orientation sits just before the structure field (钢混结构, 未知结构 ...) in every row shape seen.
    for index, cell in enumerate(tail):
        if cell.endswith("结构") and index > 0:
            before = tail[index - 1]
            return "" if before == MISSING else before
    return ""


def _lift(tail: list[str]) -> bool | None:
    decoration_at = next((i for i, cell in enumerate(tail) if cell in DECORATIONS), None)
    date_at = next((i for i, cell in enumerate(tail) if DATE.match(cell)), None)
    if decoration_at is None or date_at is None:
        return None
    between = tail[decoration_at + 1 : date_at]
    if "有" in between:
        return True
    if "无" in between:
        return False
    return None


def _listing_date(tail: list[str]) -> date | None:
    first = next((cell for cell in tail if DATE.match(cell)), None)
    return date.fromisoformat(first) if first else None


def _property_use(tail: list[str]) -> str:
    return next((cell for cell in tail if cell in {"普通住宅", "别墅", "商住两用", "商业", "公寓", "车库"}), "")
