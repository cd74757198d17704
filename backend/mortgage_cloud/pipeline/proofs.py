"""Issuing the registration proof (不动产登记证明): render, seal with the registry's seal, store."""

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from tortoise.exceptions import IntegrityError

from mortgage_cloud.applications.models import Application, ApplicationDocument
from mortgage_cloud.infra import pii
from mortgage_cloud.infra.runtime import runtime

if TYPE_CHECKING:
    from mortgage_cloud.registry.models import MortgageRight

log = logging.getLogger(__name__)

PROOF_KIND = "proof"


def verification_code(proof_no: str) -> str:
    """Return the check code printed in the proof's QR code, so that guessed proof numbers reveal nothing."""
    return pii.search_hash(f"proof:{proof_no}")[:16]


def verification_url(proof_no: str) -> str:
    """Return the public page that verifies this proof."""
    query = urlencode({"proof_no": proof_no, "code": verification_code(proof_no)})
    return f"{runtime().settings.public_base_url}/verify?{query}"


async def issue_proof_document(application: Application) -> ApplicationDocument:
    """Render and seal the proof; running it again replaces the file with an identical-content proof."""
    from mortgage_cloud.documents.proof import PROOF_SEAL_BOX, PROOF_SEAL_PAGE, ProofData, render_proof_pdf
    from mortgage_cloud.registry.models import MortgageRight
    from mortgage_cloud.signing.ca import PlatformCA
    from mortgage_cloud.signing.pades import sign_pdf
    from mortgage_cloud.signing.service import registry_seal

    settings = runtime().settings
    right = await MortgageRight.get(id=application.mortgage_right_id)
    data = application.document_data
    proof = ProofData(
        proof_no=right.proof_no,
        right_type="抵押权",
        right_holder=right.mortgagee_name,
        obligors=[_obligor(mortgagor) for mortgagor in data["mortgagors"]],
        location=data["property"]["location"],
        unit_no=application.unit_no,
        mortgage_type=right.mortgage_type,
        secured_amount=right.secured_amount,
        max_secured_amount=right.max_secured_amount,
        debt_start=right.debt_start,
        debt_end=right.debt_end,
        rank=right.rank,
        certificate_no=data["property"]["certificate_no"],
        guarantee_scope=right.guarantee_scope,
        remarks=_remarks(right),
        registered_at=right.registered_at,
        registry_name=settings.registry_name,
        verification_url=verification_url(right.proof_no),
    )
    pdf = render_proof_pdf(proof)

    ca = await PlatformCA.load_or_create(settings.data_dir / "ca")
    sealed = await sign_pdf(pdf, await registry_seal(ca), field_name="registry_seal", reason="不动产登记机构电子签章",
                            location=settings.registry_city, seal_text=settings.registry_name,
                            page=PROOF_SEAL_PAGE, box=PROOF_SEAL_BOX)

    key = f"applications/{application.id}/proof.pdf"
    digest = await runtime().storage.put(key, sealed)
    document = await store_proof_row(application.id, storage_key=key, sha256=digest)
    log.info("proof issued", extra={"application_id": str(application.id), "proof_no": right.proof_no})
    return document


async def store_proof_row(application_id: Any, *, storage_key: str, sha256: str) -> ApplicationDocument:
    """Record the proof file: one INSERT the first time, and an UPDATE when a resumed step issues it again."""
    values = {"storage_key": storage_key, "sha256": sha256, "signature_count": 1, "page_count": 1}
    try:
        return await ApplicationDocument.create(application_id=application_id, kind=PROOF_KIND, **values)
    except IntegrityError:
        log.info("proof row exists, updating it", extra={"application_id": str(application_id)})
        document = await ApplicationDocument.get(application_id=application_id, kind=PROOF_KIND)
        await document.update_from_dict(values).save()
        return document


def _obligor(mortgagor: dict) -> str:
    share = mortgagor.get("share")
    return f"{mortgagor['name']}（{share}）" if share else mortgagor["name"]


def _remarks(right: "MortgageRight") -> str:
    if right.rank > 1:
        return f"本抵押权为第{right.rank}顺位抵押权，前顺位抵押权尚未注销。"
    return ""

