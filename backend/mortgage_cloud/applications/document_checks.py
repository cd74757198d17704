"""Verifying a document's signatures and embedded data, and remembering the result by the file's hash.

Each signing verifies the PDF it has just produced and stores the result with the file's SHA-256.
The platform check at submission re-reads the file and, when its hash is unchanged, relies on that
result. Any changed byte changes the hash and so forces a full verification. This moves pyHanko's
validation (about 60 ms per signature here) off the submit-to-proof path without trusting anything
the hash does not cover.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from mortgage_cloud.applications.models import ApplicationDocument
from mortgage_cloud.infra.runtime import runtime


@dataclass(frozen=True)
class SignatureResult:
    field_name: str
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_document: bool
    modification_level: str


async def verification_record(pdf: bytes) -> dict[str, Any]:
    """Verify every signature against the platform CA and read the embedded document data."""
    from mortgage_cloud.documents.render import extract_document_data
    from mortgage_cloud.signing.ca import PlatformCA
    from mortgage_cloud.signing.pades import verify_pdf

    ca = await PlatformCA.load_or_create(runtime().settings.data_dir / "ca")
    checks = await verify_pdf(pdf, trust_roots=[ca.certificate])
    return {
        "checks": [
            {"field_name": c.field_name, "intact": c.intact, "valid": c.valid, "trusted": c.trusted,
             "covers_whole_document": c.covers_whole_document, "modification_level": c.modification_level}
            for c in checks
        ],
        "document_data": extract_document_data(pdf),
    }


async def remember_verification(document: ApplicationDocument, pdf: bytes) -> None:
    """Store the verification of the document's current file, keyed by its hash."""
    document.verification = await verification_record(pdf)
    document.verified_sha256 = hashlib.sha256(pdf).hexdigest()
    await document.save(update_fields=["verification", "verified_sha256", "updated_at"])


async def verified(document: ApplicationDocument, pdf: bytes) -> tuple[list[SignatureResult], dict[str, Any]]:
    """Return the signature results and embedded data of this exact file, verifying it now if it is new."""
    record = document.verification
    if record is None or document.verified_sha256 != hashlib.sha256(pdf).hexdigest():
        record = await verification_record(pdf)
    return [SignatureResult(**check) for check in record["checks"]], record["document_data"]
