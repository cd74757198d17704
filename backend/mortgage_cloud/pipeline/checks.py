"""The platform checks run on a submitted application before the registry receives it."""

import logging
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from mortgage_cloud.applications.document_checks import verified
from mortgage_cloud.applications.documents import DOCUMENT_KINDS
from mortgage_cloud.applications.models import Application, ApplicationDocument, Signer, UnitClaim
from mortgage_cloud.consent.models import Consent
from mortgage_cloud.consent.service import is_valid
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.review.catalogue import Finding, finding

log = logging.getLogger(__name__)

# Changes a later signer may make after a signature (pyHanko's modification levels): adding
# signatures and validation data. Anything beyond, such as new page content, invalidates it.
ALLOWED_CHANGES = {"NONE", "LTA_UPDATES", "FORM_FILLING"}


async def claim_unit(application: Application) -> list[Finding]:
    """Claim the unit for this application; a claim held by another application in flight is a conflict."""
    holder = await UnitClaim.get_or_none(unit_no=application.unit_no)
    if holder is None:
        try:
            # A savepoint, because on PostgreSQL a failed INSERT would abort the caller's whole transaction.
            async with in_transaction():
                await UnitClaim.create(unit_no=application.unit_no, application_id=application.id)
            return []
        except IntegrityError:
            holder = await UnitClaim.get_or_none(unit_no=application.unit_no)

    if holder is not None and holder.application_id == application.id:
        return []  # claimed by this application before a crash or a retried job
    log.info("unit claimed by another application", extra={"application_id": str(application.id)})
    return [finding("UNIT_IN_FLIGHT", unit_no=application.unit_no)]


async def check_consent(application: Application) -> list[Finding]:
    consent = await Consent.get_or_none(id=application.consent_id)
    if consent is None or not is_valid(consent):
        return [finding("CONSENT_INVALID")]
    return []


async def check_mortgagee(application: Application) -> list[Finding]:
    institution = await application.institution
    if institution.status != "active":
        return [finding("MORTGAGEE_NOT_REGISTERED", name=institution.name)]
    return []


def check_signers(signers: list[Signer]) -> list[Finding]:
    """Check that every mortgagor signed after a face verification fresh at signing time, and that the bank sealed."""
    window = timedelta(seconds=runtime().settings.face_fresh_seconds)
    findings: list[Finding] = []
    for signer in sorted(signers, key=lambda signer: (signer.role, signer.position)):
        if signer.signed_at is None:
            code = "CO_OWNER_NOT_SIGNED" if signer.role == "mortgagor" else "SIGNATURE_MISSING"
            findings.append(finding(code, signer=signer.name, role=signer.role))
            continue
        if signer.role == "mortgagor" and not _fresh(signer.face_verified_at, signer.signed_at, window):
            findings.append(finding("FACE_NOT_FRESH", signer=signer.name))
    return findings


def _fresh(verified_at: datetime | None, signed_at: datetime, window: timedelta) -> bool:
    return verified_at is not None and timedelta(0) <= signed_at - verified_at <= window


async def check_signatures(application: Application, signers: list[Signer]) -> list[Finding]:
    """Check each document's PAdES signatures and that the signed data equals the application's data."""
    expected_fields = {f"{signer.role}_{signer.position}" for signer in signers if signer.signed_at is not None}
    documents = {document.kind: document for document in await ApplicationDocument.filter(
        application_id=application.id, kind__in=list(DOCUMENT_KINDS))}
    findings: list[Finding] = []
    for kind in DOCUMENT_KINDS:
        document = documents.get(kind)
        if document is None:
            findings.append(finding("SIGNATURE_MISSING", document=kind))
            continue
        pdf = await runtime().storage.get(document.storage_key)
        results, embedded_data = await verified(document, pdf)
        findings += _signature_findings(kind, results, expected_fields)
        if embedded_data != application.document_data:
            findings.append(finding("DOCUMENT_DATA_MISMATCH", document=kind, field="document-data.json"))
    return findings


def _signature_findings(kind: str, checks: list[Any], expected_fields: set[str]) -> list[Finding]:
    findings = []
    present = {check.field_name for check in checks}
    for missing in sorted(expected_fields - present):
        findings.append(finding("SIGNATURE_MISSING", document=kind, field=missing))
    for check in checks:
        if not (check.intact and check.valid and check.trusted) or check.modification_level not in ALLOWED_CHANGES:
            findings.append(finding("SIGNATURE_INVALID", document=kind, field=check.field_name))
    if checks and not checks[-1].covers_whole_document:
        findings.append(finding("SIGNATURE_INVALID", document=kind, field="(unsigned changes after the last signature)"))
    return findings


def check_document_against_register(application: Application, snapshot: Any) -> list[Finding]:
    """Compare the signed document data field by field with the register and the application."""
    from mortgage_cloud.registry.service import next_rank

    data = application.document_data or {}
    prop, terms = data.get("property", {}), data.get("terms", {})
    expected = {
        "property.unit_no": (prop.get("unit_no"), snapshot.unit_no),
        "property.location": (prop.get("location"), snapshot.location),
        "property.certificate_no": (prop.get("certificate_no"), snapshot.ownership.certificate_no),
        "property.area": (prop.get("area"), str(snapshot.area)),
        "property.co_ownership": (prop.get("co_ownership"), snapshot.ownership.co_ownership),
        "mortgagors": (sorted(m.get("name") for m in data.get("mortgagors", [])),
                       sorted(m["name"] for m in application.mortgagors)),
        "terms.mortgage_type": (terms.get("mortgage_type"), application.mortgage_type),
        "terms.secured_amount": (terms.get("secured_amount"), _text(application.secured_amount)),
        "terms.max_secured_amount": (terms.get("max_secured_amount"), _text(application.max_secured_amount)),
        "terms.debt_start": (terms.get("debt_start"), str(application.debt_start)),
        "terms.debt_end": (terms.get("debt_end"), str(application.debt_end)),
        "terms.loan_contract_no": (terms.get("loan_contract_no"), application.loan_contract_no),
        # A mortgage registered on the unit after signing changes the rank the signed documents state.
        "terms.expected_rank": (terms.get("expected_rank"), next_rank(snapshot)),
    }
    return [finding("DOCUMENT_DATA_MISMATCH", field=name) for name, (signed, actual) in expected.items()
            if signed != actual]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def check_land_term(application: Application, snapshot: Any) -> list[Finding]:
    land_use_end = getattr(snapshot, "land_use_end", None)
    if land_use_end is not None and application.debt_end > land_use_end:
        return [finding("DEBT_TERM_BEYOND_LAND_TERM", debt_end=str(application.debt_end),
                        land_use_end=str(land_use_end))]
    return []
