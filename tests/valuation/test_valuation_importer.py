"""Importing listing files into the database: counts, re-import, newer files, irregular rows."""

import itertools
from datetime import timedelta
from pathlib import Path

from valuation_synthetic import changsha_line, make_rows, villa_line, write_changsha

from mortgage_cloud.valuation.importer import import_file
from mortgage_cloud.valuation.models import ListingImport, MarketListing

_id_bases = itertools.count(200)


def _id_base() -> int:
    # Each test gets listing ids of its own, because the database lives for the whole session.
    return 110000000000 + next(_id_bases) * 10_000


async def test_importer_inserts_distinct_listings(runtime, tmp_path: Path) -> None:
    rows = make_rows(6, seed=21, id_base=_id_base())
    lines = [changsha_line(row) for row in rows] + [changsha_line(rows[0])]
    summary = await import_file(write_changsha(tmp_path / "a.csv", lines))
    assert summary.inserted == 6
    assert summary.parsed.duplicates == 1
    assert await MarketListing.filter(source_listing_id__in=[row.listing_id for row in rows]).count() == 6


async def test_importer_stores_fields(runtime, tmp_path: Path) -> None:
    row = make_rows(1, seed=22, id_base=_id_base())[0]
    await import_file(write_changsha(tmp_path / "a.csv", [changsha_line(row)]))
    stored = await MarketListing.get(source="lianjia", source_listing_id=row.listing_id)
    assert stored.community == row.community
    assert stored.city == "长沙"
    assert float(stored.unit_price) == row.unit_price
    assert stored.floor_band == row.floor_band
    assert stored.listing_date == row.listing_date


async def test_importer_same_file_changes_nothing(runtime, tmp_path: Path) -> None:
    rows = make_rows(5, seed=23, id_base=_id_base())
    path = write_changsha(tmp_path / "a.csv", [changsha_line(row) for row in rows])
    await import_file(path)
    listings_before = await MarketListing.all().count()
    batches_before = await ListingImport.all().count()

    again = await import_file(path)
    assert again.already_imported
    assert await MarketListing.all().count() == listings_before
    assert await ListingImport.all().count() == batches_before


async def test_importer_newer_file_adds_and_updates(runtime, tmp_path: Path) -> None:
    base = _id_base()
    first, second, third = make_rows(3, seed=24, id_base=base)
    await import_file(write_changsha(tmp_path / "old.csv", [changsha_line(first), changsha_line(second)]))

    repriced = make_rows(1, seed=24, id_base=base)[0]
    repriced.unit_price += 500
    repriced.listing_date = first.listing_date + timedelta(days=10)
    older = make_rows(2, seed=24, id_base=base)[1]
    older.unit_price += 700
    older.listing_date = second.listing_date - timedelta(days=10)
    summary = await import_file(write_changsha(tmp_path / "new.csv", [changsha_line(repriced), changsha_line(older), changsha_line(third)]))

    assert (summary.inserted, summary.updated, summary.unchanged) == (1, 1, 1)
    assert float((await MarketListing.get(source_listing_id=first.listing_id)).unit_price) == repriced.unit_price
    assert float((await MarketListing.get(source_listing_id=second.listing_id)).unit_price) == second.unit_price


async def test_importer_irregular_row_imported(runtime, tmp_path: Path) -> None:
    row = make_rows(1, seed=25, id_base=_id_base())[0]
    summary = await import_file(write_changsha(tmp_path / "villa.csv", [villa_line(row)]))
    assert summary.parsed.repaired == 1
    assert (await MarketListing.get(source_listing_id=row.listing_id)).property_use == "别墅"


async def test_importer_summary_lists_drop_reasons(runtime, tmp_path: Path) -> None:
    good, short = make_rows(2, seed=26, id_base=_id_base())
    truncated = ",".join(changsha_line(short).split(",")[:12])
    summary = await import_file(write_changsha(tmp_path / "bad.csv", [changsha_line(good), truncated]))
    text = "\n".join(summary.lines())
    assert "dropped 1: too few fields" in text
    assert "e.g. line 3" in text


async def test_importer_batch_records_counts(runtime, tmp_path: Path) -> None:
    rows = make_rows(3, seed=27, id_base=_id_base())
    summary = await import_file(write_changsha(tmp_path / "a.csv", [changsha_line(row) for row in rows]))
    batch = await ListingImport.get(sha256=summary.sha256)
    assert batch.inserted == 3
    assert batch.rows_read == 3
    assert batch.file_name == "a.csv"
