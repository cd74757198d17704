"""Creating applications and finding them for the bank or the borrower who may see them."""

import logging
import secrets
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from mortgage_cloud.applications.loan import LoanTerms
from mortgage_cloud.applications.models import Application, ApplicationEvent, Signer
from mortgage_cloud.applications.states import State
from mortgage_cloud.consent.service import parse_uuid, require_valid_consent
from mortgage_cloud.errors import AppError, NotFound, ValidationFailed
from mortgage_cloud.identifiers import CHINA_TZ, normalize_unit_no

log = logging.getLogger(__name__)



async def create_application(*, institution: Any, consent_ref: str, unit_no: str, terms: LoanTerms,
                             actor: str) -> Application:
    """Create a draft for a unit the consenting borrower owns, with its mortgagors and signers taken from the register.

    `actor` is recorded on the draft's first event: the officer who creates it, or the institution's system account.
    """
    from mortgage_cloud.identity.models import Borrower
    from mortgage_cloud.registry.service import get_unit_snapshot

    unit_no = normalize_unit_no(unit_no, field="unit_no")
    consent = await require_valid_consent(consent_ref=consent_ref, institution_id=institution.id)
    borrower = await Borrower.get(id=consent.borrower_id)

    snapshot = await get_unit_snapshot(unit_no)
    if snapshot is None or borrower.id_hash not in {owner.id_hash for owner in snapshot.owners}:
        raise ValidationFailed("该不动产单元不在授权借款人名下，请核对不动产单元号。",
                               code="UNIT_NOT_OWNED_BY_BORROWER", field="unit_no")

    mortgagors = [
        {"party_id": owner.party_id, "name": owner.name, "id_hash": owner.id_hash,
         "share": None if owner.share is None else str(owner.share), "must_sign": True}
        for owner in snapshot.owners
    ]
    async with in_transaction() as connection:
        application = await _insert_with_unique_number(
            institution=institution, borrower=borrower, consent=consent, unit_no=unit_no, terms=terms,
            mortgagors=mortgagors, connection=connection,
        )
        await _create_signers(application, mortgagors, institution, connection)
        await ApplicationEvent.create(application=application, from_state=None, to_state=State.DRAFT,
                                      actor=actor, using_db=connection)

    log.info("application created", extra={"application_id": str(application.id), "unit_no": unit_no})
    return application


async def _insert_with_unique_number(*, connection: Any, **fields: Any) -> Application:
    terms: LoanTerms = fields.pop("terms")
    borrower = fields["borrower"]
    for _ in range(5):
        try:
            async with in_transaction(connection.connection_name) as attempt:
                return await Application.create(
                    application_no=new_application_no(),
                    debtor_name=terms.debtor_name or borrower.name,
                    mortgage_type=terms.mortgage_type,
                    secured_amount=terms.secured_amount,
                    max_secured_amount=terms.max_secured_amount,
                    debt_start=terms.debt_start,
                    debt_end=terms.debt_end,
                    guarantee_scope=terms.guarantee_scope,
                    transfer_restricted=terms.transfer_restricted,
                    loan_contract_no=terms.loan_contract_no,
                    using_db=attempt,
                    **fields,
                )
        except IntegrityError:
            log.warning("application number collided, drawing another")
    raise AppError("系统繁忙，请稍后重试。", code="APPLICATION_NO_EXHAUSTED")


def new_application_no() -> str:
    """Return a receipt number such as DY20261204483920 (date in China time, then 6 random digits)."""
    today = datetime.now(CHINA_TZ).strftime("%Y%m%d")
    return f"DY{today}{secrets.randbelow(10**6):06d}"


async def _create_signers(application: Application, mortgagors: list[dict], institution: Any, connection: Any) -> None:
    for position, mortgagor in enumerate(mortgagors):
        await Signer.create(application=application, role="mortgagor", position=position, name=mortgagor["name"],
                            id_hash=mortgagor["id_hash"], using_db=connection)
    await Signer.create(application=application, role="mortgagee", position=0, name=institution.name,
                        using_db=connection)


async def application_for_institution(*, institution: Any, application_id: str) -> Application:
    """Return the institution's own application; another institution's looks the same as a missing one."""
    application = await Application.get_or_none(
        id=parse_uuid(application_id, field="application_id"), institution_id=institution.id
    )
    if application is None:
        raise NotFound("未找到该申请。", code="APPLICATION_NOT_FOUND")
    return application


async def application_for_borrower(*, borrower: Any, application_id: str) -> Application:
    """Return an application the borrower applied for or must sign as a co-owner."""
    application = await Application.get_or_none(id=parse_uuid(application_id, field="application_id"))
    if application is None or not await is_party(application, borrower):
        raise NotFound("未找到该申请。", code="APPLICATION_NOT_FOUND")
    return application


async def is_party(application: Application, borrower: Any) -> bool:
    """Whether the borrower is the applicant or one of the mortgagors who must sign."""
    if application.borrower_id == borrower.id:
        return True
    if not borrower.id_hash:
        return False
    return await Signer.filter(application_id=application.id, role="mortgagor", id_hash=borrower.id_hash).exists()


async def applications_of_borrower(borrower: Any) -> list[Application]:
    """Return the applications the borrower applied for or must sign, newest first."""
    signer_ids = []
    if borrower.id_hash:
        signer_ids = await Signer.filter(role="mortgagor", id_hash=borrower.id_hash).values_list("application_id", flat=True)
    own = Application.filter(borrower_id=borrower.id)
    ids = set(await own.values_list("id", flat=True)) | set(signer_ids)
    return await Application.filter(id__in=list(ids)).order_by("-created_at")


async def events_of(application: Application) -> list[ApplicationEvent]:
    """Return the application's state changes, oldest first."""
    return await ApplicationEvent.filter(application_id=application.id).order_by("id")
