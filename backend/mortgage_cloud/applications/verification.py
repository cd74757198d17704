"""The public check of a registration proof, reached from the QR code printed on it."""

import hmac
from typing import Any

from mortgage_cloud.applications.models import Application, ApplicationDocument
from mortgage_cloud.identifiers import CHINA_TZ
from mortgage_cloud.pipeline.proofs import verification_code


def mask_name(name: str) -> str:
    """Hide all but the first character of a person's name (张三 → 张*)."""
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


async def verify_proof(*, proof_no: str, code: str) -> dict[str, Any] | None:
    """Return what a third party may see about a proof, or None when number and check code do not match."""
    from mortgage_cloud.registry.service import get_mortgage_by_proof_no

    if not proof_no or not hmac.compare_digest(verification_code(proof_no), code or ""):
        return None
    right = await get_mortgage_by_proof_no(proof_no)
    if right is None:
        return None

    application = await Application.get_or_none(proof_no=proof_no)
    proof = None
    if application is not None:
        proof = await ApplicationDocument.get_or_none(application_id=application.id, kind="proof")
    unit = await right.unit
    return {
        "proof_no": right.proof_no,
        "right_type": "抵押权",
        "mortgagee_name": right.mortgagee_name,
        "mortgagors": [mask_name(name) for name in await _mortgagor_names(right)],
        "unit_no": unit.unit_no,
        "location": unit.location,
        "rank": right.rank,
        "registered_at": right.registered_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S"),
        "status": "现势" if right.is_current else "已注销",
        "proof_sha256": proof.sha256 if proof else None,
    }


async def _mortgagor_names(right: Any) -> list[str]:
    from mortgage_cloud.registry.models import Party

    parties = await Party.filter(id__in=right.mortgagor_party_ids).values_list("name", flat=True)
    return list(parties)
