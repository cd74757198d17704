"""The mortgage registration application, its events, documents, signers and unit claims."""

from tortoise import fields
from tortoise.models import Model

from mortgage_cloud.applications.states import State

KIND_MORTGAGE = "mortgage"
KIND_CANCELLATION = "cancellation"


class Application(Model):
    """One mortgage registration from the bank's request to the archived proof."""

    id = fields.UUIDField(primary_key=True)
    application_no = fields.CharField(max_length=24, unique=True)
    institution = fields.ForeignKeyField("models.Institution", related_name="applications", on_delete=fields.RESTRICT)
    # Empty for a cancellation, which the mortgagee applies for alone.
    borrower = fields.ForeignKeyField("models.Borrower", related_name="applications", on_delete=fields.RESTRICT,
                                      null=True)
    consent = fields.ForeignKeyField("models.Consent", related_name="applications", on_delete=fields.RESTRICT,
                                     null=True)
    kind = fields.CharField(max_length=16, default=KIND_MORTGAGE, db_index=True)  # mortgage or cancellation
    unit_no = fields.CharField(max_length=28, db_index=True)
    state = fields.CharEnumField(State, max_length=24, default=State.DRAFT, db_index=True)

    mortgage_type = fields.CharField(max_length=16)  # general or maximum
    secured_amount = fields.DecimalField(max_digits=16, decimal_places=2, null=True)
    max_secured_amount = fields.DecimalField(max_digits=16, decimal_places=2, null=True)
    debt_start = fields.DateField()
    debt_end = fields.DateField()
    guarantee_scope = fields.TextField()
    transfer_restricted = fields.BooleanField(default=False)
    loan_contract_no = fields.CharField(max_length=64)
    debtor_name = fields.CharField(max_length=128)

    # Snapshot of who mortgages: [{party_id, name, id_hash, share, must_sign}] taken from the register.
    mortgagors = fields.JSONField(default=list)
    document_data = fields.JSONField(null=True)
    document_data_sha256 = fields.CharField(max_length=64, null=True)
    findings = fields.JSONField(default=list)
    proof_no = fields.CharField(max_length=64, null=True, unique=True)
    mortgage_right_id = fields.IntField(null=True)
    cancels_proof_no = fields.CharField(max_length=64, null=True, db_index=True)  # the proof a cancellation closes
    cancellation_reason = fields.CharField(max_length=200, null=True)
    # Rule codes with outcome "review" that registry staff approved; later steps no longer stop on them.
    review_approved_codes = fields.JSONField(null=True)

    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    submitted_at = fields.DatetimeField(null=True)
    proof_issued_at = fields.DatetimeField(null=True)

    class Meta:
        table = "application"


class ApplicationEvent(Model):
    """One state change, with who or what made it and the rule codes behind it."""

    id = fields.BigIntField(primary_key=True)
    application = fields.ForeignKeyField("models.Application", related_name="events", on_delete=fields.CASCADE)
    from_state = fields.CharField(max_length=24, null=True)
    to_state = fields.CharField(max_length=24)
    actor = fields.CharField(max_length=96)
    reasons = fields.JSONField(default=list)
    occurred_at = fields.DatetimeField(auto_now_add=True)
    # Set in the transaction of the state change and cleared once the status outbox has turned the event into
    # WeChat messages and a webhook job, so a crash between the two loses neither.
    notify_pending = fields.BooleanField(default=False, db_index=True)

    class Meta:
        table = "application_event"
        ordering = ["id"]


class ApplicationDocument(Model):
    """The current PDF of one generated document, to which each signature appends an incremental update."""

    id = fields.UUIDField(primary_key=True)
    application = fields.ForeignKeyField("models.Application", related_name="documents", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=32)  # mortgage_contract, application_form, power_of_attorney, proof
    storage_key = fields.CharField(max_length=255)
    sha256 = fields.CharField(max_length=64)
    signature_count = fields.IntField(default=0)
    page_count = fields.IntField(default=0)
    # The result of verifying the file whose SHA-256 is `verified_sha256` (see document_checks).
    verified_sha256 = fields.CharField(max_length=64, null=True)
    verification = fields.JSONField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "application_document"
        unique_together = (("application", "kind"),)


class Signer(Model):
    """A party who must sign: each mortgagor (co-owners included) and the mortgagee's seal."""

    id = fields.UUIDField(primary_key=True)
    application = fields.ForeignKeyField("models.Application", related_name="signers", on_delete=fields.CASCADE)
    role = fields.CharField(max_length=16)  # mortgagor or mortgagee
    position = fields.IntField()  # order among signers of the same role; selects the signature box
    name = fields.CharField(max_length=128)
    id_hash = fields.CharField(max_length=64, null=True, db_index=True)
    borrower = fields.ForeignKeyField("models.Borrower", related_name="signatures", null=True, on_delete=fields.RESTRICT)
    face_verification_id = fields.UUIDField(null=True)
    face_verified_at = fields.DatetimeField(null=True)
    signature_image_sha256 = fields.CharField(max_length=64, null=True)
    signed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "application_signer"
        unique_together = (("application", "role", "position"),)


class UnitClaim(Model):
    """At most one registration in flight per unit: the unique unit number makes a second claim fail."""

    unit_no = fields.CharField(max_length=28, primary_key=True)
    application = fields.OneToOneField("models.Application", related_name="unit_claim", on_delete=fields.CASCADE)
    claimed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "unit_claim"
