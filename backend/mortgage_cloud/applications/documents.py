"""Building the document data from bank and register data, and rendering the three documents."""

import hashlib
import json
import logging
from typing import Any

from mortgage_cloud.applications.models import Application, ApplicationDocument
from mortgage_cloud.applications.states import State
from mortgage_cloud.applications.transitions import transition
from mortgage_cloud.documents.data import DocumentData, MortgageTerms, PartyInfo, PropertyInfo
from mortgage_cloud.errors import Conflict, ValidationFailed
from mortgage_cloud.identifiers import CHINA_TZ
from mortgage_cloud.infra import pii
from mortgage_cloud.infra.runtime import runtime

log = logging.getLogger(__name__)

DOCUMENT_KINDS = ("mortgage_contract", "application_form", "power_of_attorney")
SUPPORTING_DOCUMENTS = ["不动产权证书", "身份证明", "抵押合同", "主债权合同", "授权委托书"]


async def build_document_data(application: Application) -> DocumentData:
    """Assemble every document field from the application, the institution and the register."""
    from mortgage_cloud.registry.models import Party
    from mortgage_cloud.registry.service import get_unit_snapshot, next_rank

    snapshot = await get_unit_snapshot(application.unit_no)
    if snapshot is None or snapshot.ownership is None:
        raise ValidationFailed("登记簿中没有该不动产单元的现势产权。", code="UNIT_NOT_FOUND", field="unit_no")

    institution = await application.institution
    parties = {party.id: party for party in await Party.filter(id__in=[m["party_id"] for m in application.mortgagors])}
    mortgagors = [_person(parties[m["party_id"]], share=m["share"]) for m in application.mortgagors]

    return DocumentData(
        application_no=application.application_no,
        application_date=application.created_at.astimezone(CHINA_TZ).date(),
        registry_name=runtime().settings.registry_name,
        registration_type="首次登记",
        reason="借款抵押",
        mortgagee=PartyInfo(name=institution.name, id_type="统一社会信用代码", id_number=institution.uscc,
                            address=getattr(institution, "address", "") or ""),
        mortgagors=mortgagors,
        debtor=_debtor(application, mortgagors),
        property=PropertyInfo(
            location=snapshot.location, unit_no=snapshot.unit_no, certificate_no=snapshot.ownership.certificate_no,
            property_type=snapshot.property_type, use=snapshot.use, area=snapshot.area,
            co_ownership=snapshot.ownership.co_ownership, land_use_end=snapshot.land_use_end,
        ),
        terms=MortgageTerms(
            mortgage_type=application.mortgage_type, secured_amount=application.secured_amount,
            max_secured_amount=application.max_secured_amount, debt_start=application.debt_start,
            debt_end=application.debt_end, guarantee_scope=application.guarantee_scope,
            transfer_restricted=application.transfer_restricted, loan_contract_no=application.loan_contract_no,
            expected_rank=next_rank(snapshot),
        ),
        supporting_documents=SUPPORTING_DOCUMENTS,
    )


def _person(party: Any, *, share: str | None) -> PartyInfo:
    return PartyInfo(
        name=party.name,
        id_type="居民身份证" if party.party_type == "person" else "统一社会信用代码",
        id_number=pii.decrypt(party.id_number_enc),
        address=party.address or "",
        phone=pii.decrypt(party.phone_enc) if party.phone_enc else "",
        share=f"{share_percent(share)}" if share else "",
    )


def share_percent(share: str) -> str:
    """Format a share stored as a fraction (\"0.5\") as a percentage (\"50%\")."""
    value = float(share)
    return f"{value * 100:g}%" if value <= 1 else f"{value:g}%"


def _debtor(application: Application, mortgagors: list[PartyInfo]) -> PartyInfo:
    for mortgagor in mortgagors:
        if mortgagor.name == application.debtor_name:
            return mortgagor
    return PartyInfo(name=application.debtor_name, id_type="", id_number="")


def canonical_json(data: dict[str, Any]) -> str:
    """Serialise document data the same way every time, so its hash identifies it."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


async def generate_documents(*, application: Application, actor: str) -> list[ApplicationDocument]:
    """Render the contract, application form and power of attorney and move the draft to documents_ready."""
    from mortgage_cloud.documents.render import page_count, render_documents

    if application.state not in (State.DRAFT, State.DOCUMENTS_READY):
        raise Conflict("文件签署开始后不能重新生成。", code="DOCUMENTS_LOCKED")

    data = await build_document_data(application)
    data_dict = data.to_dict()
    rendered = await render_documents(data)

    documents = []
    for kind in DOCUMENT_KINDS:
        key = f"applications/{application.id}/{kind}.pdf"
        digest = await runtime().storage.put(key, rendered[kind])
        document, _ = await ApplicationDocument.update_or_create(
            application_id=application.id, kind=kind,
            defaults={"storage_key": key, "sha256": digest, "signature_count": 0, "page_count": page_count(rendered[kind])},
        )
        documents.append(document)

    document_sha = hashlib.sha256(canonical_json(data_dict).encode()).hexdigest()
    await transition(application.id, from_states=[State.DRAFT, State.DOCUMENTS_READY], to_state=State.DOCUMENTS_READY,
                     actor=actor, document_data=data_dict, document_data_sha256=document_sha)
    log.info("documents generated", extra={"application_id": str(application.id)})
    return documents
