"""Parsing listing files by content: shape detection, misaligned header, irregular rows, missing values."""

from pathlib import Path

import pytest
from valuation_synthetic import (
    BEIJING_HEADER,
    REAL_DATA,
    beijing_line,
    changsha_line,
    make_rows,
    mixed_use_line,
    villa_line,
    write_changsha,
)

from mortgage_cloud.valuation.sources import Shape, UnknownShape, read_file


def test_sources_detects_changsha_shape(tmp_path: Path) -> None:
    rows = make_rows(5, seed=2)
    result = read_file(write_changsha(tmp_path / "cs.csv", [changsha_line(row) for row in rows]))
    assert result.shape is Shape.CHANGSHA_DETAIL


def test_sources_reads_misaligned_columns_by_position(tmp_path: Path) -> None:
    row = make_rows(1, seed=3)[0]
    listing = read_file(write_changsha(tmp_path / "cs.csv", [changsha_line(row)])).listings[0]
    assert listing.district == row.district
    assert listing.community == row.community
    assert listing.unit_price == row.unit_price
    assert listing.listing_date == row.listing_date
    assert listing.build_year == row.build_year
    assert listing.source_listing_id == row.listing_id


def test_sources_missing_values_become_none(tmp_path: Path) -> None:
    row = make_rows(1, seed=4)[0]
    row.build_year = None
    row.has_lift = "暂无数据"
    listing = read_file(write_changsha(tmp_path / "cs.csv", [changsha_line(row)])).listings[0]
    assert listing.build_year is None
    assert listing.has_lift is None


def test_sources_villa_row_parsed_by_value(tmp_path: Path) -> None:
    row = make_rows(1, seed=5)[0]
    result = read_file(write_changsha(tmp_path / "cs.csv", [villa_line(row)]))
    listing = result.listings[0]
    assert result.repaired == 1
    assert listing.listing_date == row.listing_date
    assert listing.decoration == row.decoration
    assert listing.orientation == "南"
    assert listing.has_lift is None
    assert listing.property_use == "别墅"


def test_sources_mixed_use_row_parsed_by_value(tmp_path: Path) -> None:
    row = make_rows(1, seed=6)[0]
    listing = read_file(write_changsha(tmp_path / "cs.csv", [mixed_use_line(row)])).listings[0]
    assert listing.listing_date == row.listing_date
    assert listing.has_lift is True
    assert listing.property_use == "商住两用"


def test_sources_duplicates_kept_once(tmp_path: Path) -> None:
    rows = make_rows(4, seed=7)
    lines = [changsha_line(row) for row in rows] + [changsha_line(rows[0]), changsha_line(rows[1])]
    result = read_file(write_changsha(tmp_path / "cs.csv", lines))
    assert len(result.listings) == 4
    assert result.duplicates == 2


def test_sources_bad_rows_dropped_with_reason(tmp_path: Path) -> None:
    good, bad_price, short = make_rows(3, seed=8)
    wrong = changsha_line(bad_price).replace(f"{bad_price.unit_price}元/平米", f"{bad_price.unit_price * 2}元/平米")
    truncated = ",".join(changsha_line(short).split(",")[:12])
    result = read_file(write_changsha(tmp_path / "cs.csv", [changsha_line(good), wrong, truncated]))
    assert len(result.listings) == 1
    assert result.dropped["total price does not match unit price × area"] == 1
    assert result.dropped["too few fields"] == 1
    assert result.examples["too few fields"][0].startswith("line 4")


def test_sources_detects_beijing_shape(tmp_path: Path) -> None:
    rows = make_rows(3, seed=9)
    path = tmp_path / "bj.csv"
    path.write_text("\n".join([BEIJING_HEADER, beijing_line(rows[0]), BEIJING_HEADER, beijing_line(rows[1]), beijing_line(rows[2])]) + "\n", encoding="utf-8")
    result = read_file(path)
    assert result.shape is Shape.BEIJING_LIST
    assert len(result.listings) == 3
    assert result.dropped["repeated header row"] == 1
    assert result.listings[0].floor_band is None


def test_sources_city_option_overrides(tmp_path: Path) -> None:
    row = make_rows(1, seed=10)[0]
    result = read_file(write_changsha(tmp_path / "cs.csv", [changsha_line(row)]), city="株洲")
    assert result.listings[0].city == "株洲"


def test_sources_unknown_shape_rejected(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(UnknownShape):
        read_file(path)


@pytest.mark.skipif(not REAL_DATA.exists(), reason="real Lianjia files not found (set MC_HOUSING_DATA to their folder)")
def test_sources_real_changsha_file() -> None:
    result = read_file(REAL_DATA / "changsha_lianjia_ershoufang_2022.csv")
    assert result.rows_read == 1942
    assert len(result.listings) == 1651
    assert result.repaired == 16
    assert all(listing.listing_date is not None for listing in result.listings)


@pytest.mark.skipif(not REAL_DATA.exists(), reason="real Lianjia files not found (set MC_HOUSING_DATA to their folder)")
def test_sources_real_beijing_file() -> None:
    result = read_file(REAL_DATA / "beijing_lianjia_ershoufang.csv")
    assert result.dropped["repeated header row"] == 1
    assert len(result.listings) == 33967
