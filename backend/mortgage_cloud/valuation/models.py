"""Market listings imported for the valuation model, their import batches, and stored valuations."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ValuationMethod(StrEnum):
    COMPARABLES = "comparables"
    MODEL = "model"
    BLEND = "blend"


class ConfidenceGrade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class ListingImport(Model):
    """One run of `mortgage-cloud valuation import` over one file, with what it added, changed and dropped."""

    id = fields.IntField(primary_key=True)
    file_name = fields.CharField(max_length=255)
    sha256 = fields.CharField(max_length=64, db_index=True)
    shape = fields.CharField(max_length=32)
    rows_read = fields.IntField()
    duplicates = fields.IntField()
    repaired = fields.IntField()
    dropped = fields.IntField()
    inserted = fields.IntField()
    updated = fields.IntField()
    unchanged = fields.IntField()
    dropped_reasons = fields.JSONField(default=dict)
    imported_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "valuation_listing_import"


class MarketListing(Model):
    """An asking-price listing of a second-hand home, with prices in yuan and areas in m² of gross floor area."""

    id = fields.IntField(primary_key=True)
    source = fields.CharField(max_length=32)
    source_listing_id = fields.CharField(max_length=64)
    city = fields.CharField(max_length=32, db_index=True)
    district = fields.CharField(max_length=32)
    community = fields.CharField(max_length=100, db_index=True)
    area = fields.FloatField()
    rooms = fields.SmallIntField(null=True)
    halls = fields.SmallIntField(null=True)
    kitchens = fields.SmallIntField(null=True)
    baths = fields.SmallIntField(null=True)
    floor_band = fields.CharField(max_length=1, null=True)  # 低, 中 or 高
    total_floors = fields.SmallIntField(null=True)
    build_year = fields.SmallIntField(null=True)
    orientation = fields.CharField(max_length=32, default="")
    decoration = fields.CharField(max_length=8, default="")
    has_lift = fields.BooleanField(null=True)
    building_type = fields.CharField(max_length=16, default="")
    property_use = fields.CharField(max_length=16, default="")
    total_price = fields.DecimalField(max_digits=14, decimal_places=2)
    unit_price = fields.DecimalField(max_digits=12, decimal_places=2)
    listing_date = fields.DateField(null=True)
    imported_at = fields.DatetimeField()
    import_batch = fields.ForeignKeyField("models.ListingImport", related_name="listings", on_delete=fields.RESTRICT)

    class Meta:
        table = "valuation_market_listing"
        unique_together = (("source", "source_listing_id"),)


class Valuation(Model):
    """One valuation of a property: its input, the estimate with its 80% interval, and the comparables used."""

    id = fields.UUIDField(primary_key=True)
    application_id = fields.UUIDField(null=True, db_index=True)
    institution_id = fields.UUIDField(null=True, db_index=True)
    unit_no = fields.CharField(max_length=28, null=True)
    input = fields.JSONField()
    method = fields.CharEnumField(ValuationMethod, max_length=16)
    unit_price = fields.DecimalField(max_digits=12, decimal_places=2)
    total_value = fields.DecimalField(max_digits=14, decimal_places=2)
    low_total_value = fields.DecimalField(max_digits=14, decimal_places=2)
    high_total_value = fields.DecimalField(max_digits=14, decimal_places=2)
    low_unit_price = fields.DecimalField(max_digits=12, decimal_places=2)
    high_unit_price = fields.DecimalField(max_digits=12, decimal_places=2)
    confidence_grade = fields.CharEnumField(ConfidenceGrade, max_length=1)
    comparables = fields.JSONField(default=list)
    detail = fields.JSONField(default=dict)
    model_version = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "valuation"
