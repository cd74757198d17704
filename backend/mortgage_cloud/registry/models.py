"""The register (登记簿): property units, the rights and restrictions on them, and the hash-chained entries."""

from tortoise import fields
from tortoise.models import Model

# Integer keys: register rows are reached through unit numbers, certificate and proof numbers,
# never through their ids in a URL, and other domains keep party and right ids in JSON.


class Party(Model):
    """A right holder (权利人) in the register: a person or an organisation."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    party_type = fields.CharField(max_length=16)  # "person" or "organisation"
    id_type = fields.CharField(max_length=32)  # "居民身份证" or "统一社会信用代码"
    id_number_enc = fields.TextField()  # pii.encrypt of the normalised ID number or credit code
    id_hash = fields.CharField(max_length=64, db_index=True)  # pii.search_hash of the same value
    phone_enc = fields.TextField(null=True)
    address = fields.CharField(max_length=200, default="")

    class Meta:
        table = "registry_party"


class PropertyUnit(Model):
    """A property unit (不动产单元) with its building and land facts."""

    id = fields.IntField(primary_key=True)
    unit_no = fields.CharField(max_length=28, unique=True)
    location = fields.CharField(max_length=200)  # 坐落
    district = fields.CharField(max_length=32)  # 区县 name, such as 岳麓区
    division_code = fields.CharField(max_length=6, db_index=True)
    community = fields.CharField(max_length=100, default="")  # 小区
    building = fields.CharField(max_length=16, default="")  # 栋
    room = fields.CharField(max_length=16, default="")  # 室
    floor = fields.IntField(null=True)
    total_floors = fields.IntField(null=True)
    property_type = fields.CharField(max_length=32, default="住宅")  # 房屋类型
    use = fields.CharField(max_length=32, default="住宅")  # 规划用途
    area = fields.DecimalField(max_digits=10, decimal_places=2)  # building area in m²
    land_use_start = fields.DateField(null=True)
    land_use_end = fields.DateField(null=True)
    build_year = fields.IntField(null=True)

    class Meta:
        table = "registry_property_unit"


class OwnershipRight(Model):
    """An ownership right (房屋所有权 with the land-use right) evidenced by a certificate."""

    id = fields.IntField(primary_key=True)
    unit = fields.ForeignKeyField("models.PropertyUnit", related_name="ownerships", on_delete=fields.RESTRICT,
                                 db_index=True)
    certificate_no = fields.CharField(max_length=64, unique=True)
    co_ownership = fields.CharField(max_length=8)  # 单独所有, 共同共有 or 按份共有
    registered_at = fields.DatetimeField()
    is_current = fields.BooleanField(default=True)  # 现势

    class Meta:
        table = "registry_ownership_right"


class OwnershipShare(Model):
    """One right holder's part in an ownership. `share` is a fraction for 按份共有 and empty otherwise."""

    id = fields.IntField(primary_key=True)
    ownership = fields.ForeignKeyField("models.OwnershipRight", related_name="shares", on_delete=fields.RESTRICT,
                                      db_index=True)
    party = fields.ForeignKeyField("models.Party", related_name="shares", on_delete=fields.RESTRICT,
                                      db_index=True)
    share = fields.DecimalField(max_digits=7, decimal_places=4, null=True)

    class Meta:
        table = "registry_ownership_share"


class MortgageRight(Model):
    """A mortgage right (抵押权) entered in the register, with its cancellation once released."""

    id = fields.IntField(primary_key=True)
    unit = fields.ForeignKeyField("models.PropertyUnit", related_name="mortgages", on_delete=fields.RESTRICT,
                                 db_index=True)
    application_id = fields.UUIDField(null=True, unique=True)  # the online application that registered it
    mortgagee_name = fields.CharField(max_length=100)
    mortgagee_uscc = fields.CharField(max_length=18)
    mortgagor_party_ids = fields.JSONField(default=list)
    debtor_name = fields.CharField(max_length=100)
    mortgage_type = fields.CharField(max_length=16)  # "general" or "maximum"
    secured_amount = fields.DecimalField(max_digits=16, decimal_places=2, null=True)  # yuan
    max_secured_amount = fields.DecimalField(max_digits=16, decimal_places=2, null=True)  # yuan
    debt_start = fields.DateField()
    debt_end = fields.DateField()
    guarantee_scope = fields.TextField(default="")
    transfer_restricted = fields.BooleanField(default=False)
    rank = fields.IntField()  # 抵押顺位
    proof_no = fields.CharField(max_length=64, unique=True)
    registered_at = fields.DatetimeField()
    recorded_by = fields.CharField(max_length=64)
    is_current = fields.BooleanField(default=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancellation_reason = fields.CharField(max_length=200, null=True)
    cancellation_application_id = fields.UUIDField(null=True, unique=True)

    class Meta:
        table = "registry_mortgage_right"


class Restriction(Model):
    """A restriction or other right on a unit: seizure, pre-seizure, registry lock, objection, advance notice, residence right."""

    id = fields.IntField(primary_key=True)
    unit = fields.ForeignKeyField("models.PropertyUnit", related_name="restrictions", on_delete=fields.RESTRICT,
                                 db_index=True)
    kind = fields.CharField(max_length=24)
    holder_name = fields.CharField(max_length=100)
    holder_id_hash = fields.CharField(max_length=64, null=True)
    document_no = fields.CharField(max_length=100)  # the court ruling or registration number behind it
    registered_at = fields.DatetimeField()
    ends_at = fields.DatetimeField(null=True)
    is_current = fields.BooleanField(default=True)

    class Meta:
        table = "registry_restriction"


class RegisterEntry(Model):
    """One append-only register entry, chained by `entry_hash` to the unit's previous entry."""

    id = fields.IntField(primary_key=True)
    unit_no = fields.CharField(max_length=28)
    seq = fields.IntField()  # 1, 2, 3 ... per unit
    kind = fields.CharField(max_length=32)
    payload = fields.JSONField()
    prev_hash = fields.CharField(max_length=64)
    entry_hash = fields.CharField(max_length=64)
    recorded_at = fields.DatetimeField()
    recorded_by = fields.CharField(max_length=64)

    class Meta:
        table = "registry_register_entry"
        unique_together = (("unit_no", "seq"),)


class ProofCounter(Model):
    """The last proof number issued by one registry in one year."""

    id = fields.IntField(primary_key=True)
    region = fields.CharField(max_length=6)  # the registry's division code
    year = fields.IntField()
    last_number = fields.IntField(default=0)

    class Meta:
        table = "registry_proof_counter"
        unique_together = (("region", "year"),)
