"""Synthetic listing files in the two Lianjia shapes, with a known price structure."""

import math
import os
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from mortgage_cloud.valuation.sources import Listing

# The real Lianjia files stay outside the repository: MC_HOUSING_DATA, else shared/data/housing beside the checkout.
REAL_DATA = Path(os.environ.get("MC_HOUSING_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data" / "housing")
CHANGSHA_HEADER = (
    "序号,所在小区,网站链接,总价,建筑时间,区域,单价,房屋户型,所在楼层,建筑面积,户型结构,套内面积,建筑类型,房屋朝向,"
    "建筑结构,装修情况,梯户比例,供暖方式,配备电梯,挂牌时间,交易权属,上次交易,房屋用途,房屋年限,产权所属,抵押信息,房本备件"
)
BEIJING_HEADER = "Direction,District,Elevator,Floor,Garden,Id,Layout,Price,Region,Renovation,Size,UnitPrice,Year"

# The synthetic market: log unit price = community level + these effects + noise.
FLOOR_EFFECT = {"低": -0.03, "中": 0.0, "高": 0.02}
DECORATION_EFFECT = {"毛坯": -0.05, "简装": 0.0, "其他": 0.0, "精装": 0.05}
AREA_ELASTICITY = -0.10  # per log m², relative to 90 m²
AGE_EFFECT = -0.004  # per year
NOISE = 0.04
DISTRICTS = ["岳麓", "雨花", "开福", "天心"]


@dataclass
class SyntheticRow:
    """One synthetic listing with every field the Changsha shape writes."""

    number: int
    listing_id: str
    community: str
    district: str
    area: float
    unit_price: int
    rooms: int
    floor_band: str
    total_floors: int
    build_year: int | None
    decoration: str
    has_lift: str  # 有, 无 or 暂无数据
    listing_date: date

    @property
    def total_wan(self) -> str:
        return f"{self.unit_price * self.area / 10_000:.1f}"


def community_level(name: str) -> float:
    """Return the synthetic community's base log unit price (about 6,000–20,000 yuan/m²)."""
    return math.log(6_000) + (hash_fraction(name) * math.log(20_000 / 6_000))


def hash_fraction(text: str) -> float:
    return (sum(ord(ch) * (index + 1) for index, ch in enumerate(text)) % 997) / 997


def make_rows(count: int, *, seed: int, communities: int = 60, id_base: int = 104100000000, noise: float = NOISE) -> list[SyntheticRow]:
    """Generate listings whose prices follow the effects above."""
    rng = random.Random(seed)
    rows = []
    for number in range(1, count + 1):
        index = rng.randrange(communities)
        community = f"合成小区{index:03d}"
        area = round(rng.uniform(45, 160), 2)
        band = rng.choice(list(FLOOR_EFFECT))
        year = rng.randint(1995, 2020) if rng.random() > 0.2 else None
        decoration = rng.choice(list(DECORATION_EFFECT))
        log_price = (
            community_level(community)
            + AREA_ELASTICITY * math.log(area / 90)
            + FLOOR_EFFECT[band]
            + DECORATION_EFFECT[decoration]
            + (AGE_EFFECT * (2022 - year) if year else AGE_EFFECT * 12)
            + rng.gauss(0, noise)
        )
        rows.append(SyntheticRow(
            number=number,
            listing_id=str(id_base + number),
            community=community,
            district=DISTRICTS[index % len(DISTRICTS)],
            area=area,
            unit_price=round(math.exp(log_price)),
            rooms=2 if area < 90 else 3,
            floor_band=band,
            total_floors=rng.choice([6, 18, 33]),
            build_year=year,
            decoration=decoration,
            has_lift=rng.choice(["有", "无", "暂无数据"]),
            listing_date=date(2022, 6, 1) - timedelta(days=rng.randint(0, 300)),
        ))
    return rows


def changsha_line(row: SyntheticRow) -> str:
    """Return a well-formed 27-field row in the Changsha detail shape (header labels misaligned, as in the real file)."""
    year = f"{row.build_year}年建" if row.build_year else "未知年建"
    fields = [
        str(row.number), row.community + " ", f"https://cs.lianjia.com/ershoufang/{row.listing_id}.html",
        f"{year}/板塔结合", row.district, f"{row.total_wan}万", f"{row.unit_price}元/平米", f"{row.rooms}室2厅1厨1卫",
        f"{row.floor_band}楼层 (共{row.total_floors}层)", f"{row.area}㎡", "平层", "暂无数据", "板塔结合", "南 北", "钢混结构",
        row.decoration, "两梯四户", row.has_lift, row.listing_date.isoformat(), "商品房", "暂无数据", "普通住宅", "满五年",
        "非共有", "无抵押", "已上传房本照片", "1154836910420353",
    ]
    return ",".join(fields)


def villa_line(row: SyntheticRow) -> str:
    """Return a 24-field villa row: no unit structure, lift or building-type fields, so later columns shift."""
    fields = [
        str(row.number), row.community + " ", f"https://cs.lianjia.com/ershoufang/{row.listing_id}.html",
        "未知年建/暂无数据", row.district, f"{row.total_wan}万", f"{row.unit_price}元/平米", "5室3厅1厨5卫",
        f"低楼层 (共{row.total_floors}层)", f"{row.area}㎡", "暂无数据", "南", "未知结构", row.decoration, "暂无数据",
        row.listing_date.isoformat(), "商品房", "2018-06-30", "别墅", "暂无数据", "非共有", "无抵押", "已上传房本照片",
        "1090968700461462",
    ]
    return ",".join(fields)


def mixed_use_line(row: SyntheticRow) -> str:
    """Return a 29-field 商住两用 row: water and electricity fields push the listing date two columns right."""
    fields = [
        str(row.number), row.community + " ", f"https://cs.lianjia.com/ershoufang/{row.listing_id}.html",
        "2016年建/塔楼", row.district, f"{row.total_wan}万", f"{row.unit_price}元/平米", "1室1厅1厨1卫",
        f"高楼层 (共{row.total_floors}层)", f"{row.area}㎡", "平层", "33.03㎡", "塔楼", "南", "钢混结构", row.decoration,
        "五梯二十三户", "有", "民水", "民电", row.listing_date.isoformat(), "商品房", "2017-07-30", "商住两用", "暂无数据",
        "非共有", "无抵押", "已上传房本照片", "1019226930471422",
    ]
    return ",".join(fields)


def write_changsha(path: Path, lines: list[str]) -> Path:
    """Write a file in the Changsha shape: UTF-8, CRLF line ends, the misaligned header."""
    path.write_text("\r\n".join([CHANGSHA_HEADER, *lines]) + "\r\n", encoding="utf-8", newline="")
    return path


def beijing_line(row: SyntheticRow) -> str:
    """Return a row in the Beijing list shape (prices as text with 万, comma and 元/平)."""
    area = round(row.area)
    total_wan = round(row.unit_price * area / 10_000)
    unit_price = round(total_wan * 10_000 / area)
    year = row.build_year or 2005
    return (f"南北,板块,板楼,{row.total_floors},{row.community},{row.listing_id},{row.rooms}室1厅, {total_wan}万,"
            f"{row.district},{row.decoration},{area}.0,\"{unit_price:,}元/平\",{year}")


def to_listing(row: SyntheticRow) -> Listing:
    """Return the synthetic row as the parsed `Listing` it stands for."""
    return Listing(
        source="lianjia", source_listing_id=row.listing_id, city="长沙", district=row.district, community=row.community,
        area=row.area, total_price=row.unit_price * row.area, unit_price=float(row.unit_price), rooms=row.rooms, halls=2,
        baths=1, floor_band=row.floor_band, total_floors=row.total_floors, build_year=row.build_year,
        orientation="南 北", decoration=row.decoration, listing_date=row.listing_date,
    )
