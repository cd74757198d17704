"""The subject of a valuation and the numeric features the model and the comparables share."""

import math
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from mortgage_cloud.errors import field_error
from mortgage_cloud.valuation.sources import Listing

FLOOR_BANDS = {"低": 0, "中": 1, "高": 2}
DECORATION_CODES = {"毛坯": 0, "简装": 1, "其他": 2, "精装": 3}
BUILDING_TYPES = {"板楼": 0, "板塔结合": 1, "塔楼": 2, "平房": 3}
# An estate's phases, zones and buildings share its name and differ by a suffix, and the first suffix
# found ends the estate name: 一期/3期, A区/C2区/2区/一区/东区/甲区, 一片/2片区, 5栋/5幢/5号楼.
ESTATE_SUFFIX = re.compile(
    r"(?:(?:\d+|[一二三四五六七八九十]+)期"
    r"|(?:[A-Z]+\d*|\d+|[一二三四五六七八九十]+|[东南西北中甲乙丙丁])区"
    r"|(?:\d+|[一二三四五六七八九十]+)片"
    r"|\d+(?:栋|幢|号楼)"
    r").*$"
)
# After NFKC, a separator starts a section name (八方小区·A区, 凤凰城(三期)紫云府), so the estate name ends before it.
SECTION_SEPARATOR = re.compile(r"[·•・\-—_\s(\[【].*$")


@dataclass(frozen=True)
class Subject:
    """The property being valued, as typed by an officer or taken from the register."""

    district: str
    community: str
    area: float
    floor_band: str | None = None
    total_floors: int | None = None
    build_year: int | None = None
    rooms: int | None = None
    halls: int | None = None
    baths: int | None = None
    decoration: str = ""
    orientation: str = ""
    has_lift: bool | None = None
    building_type: str = ""
    as_of: date | None = None  # valuation date. None values the subject at the latest listing month in the training data.

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as JSON-ready values."""
        return asdict(self) | {"as_of": self.as_of.isoformat() if self.as_of else None}


def estate_of(community: str) -> str:
    """Return the estate key of a community: its name without phase, zone or building suffixes (二期, B区, ·北苑).

    The key is NFKC-normalised and upper-cased, so full-width letters, digits and brackets match
    their ASCII forms. A name that would shrink below two characters is kept whole.
    """
    name = unicodedata.normalize("NFKC", community).strip().upper()
    stem = ESTATE_SUFFIX.sub("", SECTION_SEPARATOR.sub("", name))
    return stem if len(stem) >= 2 else name


def subject_of(listing: Listing) -> Subject:
    """Return the listing's property as a valuation subject (its price left out)."""
    return Subject(
        district=listing.district,
        community=listing.community,
        area=listing.area,
        floor_band=listing.floor_band,
        total_floors=listing.total_floors,
        build_year=listing.build_year,
        rooms=listing.rooms,
        halls=listing.halls,
        baths=listing.baths,
        decoration=listing.decoration,
        orientation=listing.orientation,
        has_lift=listing.has_lift,
        building_type=listing.building_type,
        as_of=listing.listing_date,
    )


def subject_from_fields(fields: dict[str, Any]) -> Subject:
    """Validate officer-typed address fields and return the subject; raise ValidationFailed naming the field."""
    district = str(fields.get("district") or "").strip()
    community = str(fields.get("community") or "").strip()
    if not district:
        raise field_error("district", "请填写所在区县，例如“岳麓”。")
    if not community:
        raise field_error("community", "请填写小区名称。")

    area = _number(fields, "area", minimum=8, maximum=3000, message="建筑面积须为 8 至 3000 之间的数字（平方米）。")
    total_floors = _integer(fields, "total_floors", minimum=1, maximum=120, message="总楼层须为 1 至 120 之间的整数。")
    build_year = _integer(fields, "build_year", minimum=1900, maximum=date.today().year + 3, message="建成年份须为四位年份，例如 2012。")
    floor_band = _floor_band(fields, total_floors)

    decoration = str(fields.get("decoration") or "").strip()
    if decoration and decoration not in DECORATION_CODES:
        raise field_error("decoration", "装修情况须为“精装”“简装”“毛坯”或“其他”。")

    return Subject(
        district=district.removesuffix("区"),
        community=community,
        area=area,
        floor_band=floor_band,
        total_floors=total_floors,
        build_year=build_year,
        rooms=_integer(fields, "rooms", minimum=0, maximum=20, message="室的数量须为 0 至 20 之间的整数。"),
        halls=_integer(fields, "halls", minimum=0, maximum=10, message="厅的数量须为 0 至 10 之间的整数。"),
        baths=_integer(fields, "baths", minimum=0, maximum=10, message="卫的数量须为 0 至 10 之间的整数。"),
        decoration=decoration,
        orientation=str(fields.get("orientation") or "").strip(),
        has_lift=_boolean(fields, "has_lift"),
        building_type=str(fields.get("building_type") or "").strip(),
    )


def floor_band_of(floor: int, total_floors: int) -> str:
    """Return the Lianjia floor band (低/中/高) of a floor, by thirds of the building's height."""
    share = floor / total_floors
    if share <= 1 / 3:
        return "低"
    if share <= 2 / 3:
        return "中"
    return "高"


def months_since_2000(day: date | None) -> float:
    """Return the month count of a date from January 2000; NaN when the date is unknown."""
    if day is None:
        return math.nan
    return (day.year - 2000) * 12 + day.month - 1 + day.day / 31


def structural_features(subject: Subject, *, reference_year: int) -> list[float]:
    """Return the subject's features apart from location: area, floors, age, layout, finish, aspect, lift."""
    nan = math.nan
    age = reference_year - subject.build_year if subject.build_year else nan
    orientation = subject.orientation.replace(" ", "")
    return [
        math.log(subject.area),
        FLOOR_BANDS.get(subject.floor_band or "", nan),
        subject.total_floors if subject.total_floors else nan,
        age,
        subject.rooms if subject.rooms is not None else nan,
        subject.halls if subject.halls is not None else nan,
        subject.baths if subject.baths is not None else nan,
        DECORATION_CODES.get(subject.decoration, nan),
        float("南" in orientation),
        float("南" in orientation and "北" in orientation),
        {True: 1.0, False: 0.0}.get(subject.has_lift, nan),
        BUILDING_TYPES.get(subject.building_type, nan),
    ]


STRUCTURAL_NAMES = [
    "log_area", "floor_band", "total_floors", "age", "rooms", "halls", "baths",
    "decoration", "faces_south", "north_south", "has_lift", "building_type",
]


def _number(fields: dict[str, Any], name: str, *, minimum: float, maximum: float, message: str) -> float:
    try:
        value = float(fields.get(name))
    except (TypeError, ValueError):
        raise field_error(name, message) from None
    if not minimum <= value <= maximum:
        raise field_error(name, message)
    return value


def _integer(fields: dict[str, Any], name: str, *, minimum: int, maximum: int, message: str) -> int | None:
    raw = fields.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise field_error(name, message) from None
    if isinstance(raw, float) and raw != value or not minimum <= value <= maximum:
        raise field_error(name, message)
    return value


def _floor_band(fields: dict[str, Any], total_floors: int | None) -> str | None:
    band = str(fields.get("floor_band") or "").strip().removesuffix("楼层")
    if band:
        if band not in FLOOR_BANDS:
            raise field_error("floor_band", "楼层位置须为“低”“中”或“高”。")
        return band

    floor = _integer(fields, "floor", minimum=-5, maximum=120, message="所在楼层须为整数。")
    if floor is None:
        return None
    if total_floors is None or floor > total_floors:
        raise field_error("floor", "填写所在楼层时须同时填写总楼层，且所在楼层不得高于总楼层。")
    return floor_band_of(max(floor, 1), total_floors)


def _boolean(fields: dict[str, Any], name: str) -> bool | None:
    raw = fields.get(name)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "1", "有", "是", "yes"}:
        return True
    if text in {"false", "0", "无", "否", "no"}:
        return False
    raise field_error(name, "是否有电梯须填写“有”或“无”。")
