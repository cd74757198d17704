"""Import listing files into `MarketListing`: upsert on (source, listing id), where a newer listing date wins."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from tortoise.transactions import in_transaction

from mortgage_cloud.valuation.models import ListingImport, MarketListing
from mortgage_cloud.valuation.sources import Listing, ParseResult, read_file

log = logging.getLogger(__name__)

BATCH_SIZE = 500
LISTING_FIELDS = (
    "city", "district", "community", "area", "rooms", "halls", "kitchens", "baths", "floor_band", "total_floors",
    "build_year", "orientation", "decoration", "has_lift", "building_type", "property_use", "listing_date",
)


@dataclass(frozen=True)
class ImportSummary:
    """What one file's import read, stored and dropped; `already_imported` when the same bytes were imported before."""

    file_name: str
    sha256: str
    parsed: ParseResult
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    already_imported: bool = False

    def lines(self) -> list[str]:
        """Return the summary as printable lines: counts, then each drop reason with a few examples."""
        result = self.parsed
        if self.already_imported:
            return [f"{self.file_name}: already imported (sha256 {self.sha256[:12]}…), nothing changed"]

        lines = [
            f"{self.file_name}: shape={result.shape} rows={result.rows_read} duplicates={result.duplicates} "
            f"repaired={result.repaired} dropped={sum(result.dropped.values())} "
            f"inserted={self.inserted} updated={self.updated} unchanged={self.unchanged}",
        ]
        for reason, count in result.dropped.most_common():
            lines.append(f"  dropped {count}: {reason}")
            lines.extend(f"    e.g. {example}" for example in result.examples.get(reason, []))
        return lines


async def import_file(path: Path, *, city: str | None = None) -> ImportSummary:
    """Parse one file and upsert its listings; a file whose bytes were imported before changes nothing."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    parsed = read_file(path, city=city)
    if await ListingImport.filter(sha256=digest).exists():
        log.info("listing file already imported", extra={"file": path.name, "sha256": digest})
        return ImportSummary(file_name=path.name, sha256=digest, parsed=parsed, already_imported=True)

    async with in_transaction():
        batch = await ListingImport.create(
            file_name=path.name[:255], sha256=digest, shape=str(parsed.shape), rows_read=parsed.rows_read,
            duplicates=parsed.duplicates, repaired=parsed.repaired, dropped=sum(parsed.dropped.values()),
            inserted=0, updated=0, unchanged=0, dropped_reasons=dict(parsed.dropped),
        )
        inserted, updated, unchanged = await _upsert(parsed.listings, batch)
        batch.inserted, batch.updated, batch.unchanged = inserted, updated, unchanged
        await batch.save(update_fields=["inserted", "updated", "unchanged"])

    log.info("listing file imported", extra={"file": path.name, "batch_id": batch.id, "inserted": inserted, "updated": updated})
    return ImportSummary(file_name=path.name, sha256=digest, parsed=parsed, inserted=inserted, updated=updated, unchanged=unchanged)


async def _upsert(listings: list[Listing], batch: ListingImport) -> tuple[int, int, int]:
    now = datetime.now(UTC)
    inserted = updated = unchanged = 0
    for start in range(0, len(listings), BATCH_SIZE):
        chunk = listings[start : start + BATCH_SIZE]
        existing = await _existing(chunk)

        fresh = []
        for item in chunk:
            stored = existing.get((item.source, item.source_listing_id))
            if stored is None:
                fresh.append(_new_row(item, batch, now))
            elif _is_newer(item, stored):
                _copy_into(stored, item, batch, now)
                await stored.save()
                updated += 1
            else:
                unchanged += 1

        await MarketListing.bulk_create(fresh)
        inserted += len(fresh)
    return inserted, updated, unchanged


async def _existing(chunk: list[Listing]) -> dict[tuple[str, str], MarketListing]:
    by_source: dict[str, list[str]] = {}
    for item in chunk:
        by_source.setdefault(item.source, []).append(item.source_listing_id)
    found = {}
    for source, ids in by_source.items():
        for row in await MarketListing.filter(source=source, source_listing_id__in=ids):
            found[(row.source, row.source_listing_id)] = row
    return found


def _is_newer(item: Listing, stored: MarketListing) -> bool:
    # NOTE: a file without listing dates (the Beijing shape) never replaces a stored listing, because no date shows which row is newer.
    if item.listing_date is None:
        return False
    return stored.listing_date is None or item.listing_date > stored.listing_date


def _new_row(item: Listing, batch: ListingImport, now: datetime) -> MarketListing:
    row = MarketListing(source=item.source, source_listing_id=item.source_listing_id)
    _copy_into(row, item, batch, now)
    return row


def _copy_into(row: MarketListing, item: Listing, batch: ListingImport, now: datetime) -> None:
    for name in LISTING_FIELDS:
        setattr(row, name, getattr(item, name))
    row.total_price = Decimal(f"{item.total_price:.2f}")
    row.unit_price = Decimal(f"{item.unit_price:.2f}")
    row.imported_at = now
    row.import_batch = batch


def listing_of(row: MarketListing) -> Listing:
    """Return a stored listing as the `Listing` record that training uses."""
    values = {name: getattr(row, name) for name in LISTING_FIELDS}
    return Listing(
        source=row.source,
        source_listing_id=row.source_listing_id,
        total_price=float(row.total_price),
        unit_price=float(row.unit_price),
        **values,
    )
