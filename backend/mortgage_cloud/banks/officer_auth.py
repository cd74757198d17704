"""The officer behind a bank API request and the role ladder that decides what the officer may do.

The roles form a ladder, read_only < loan_officer < supervisor, and each route names the lowest role
it needs in `bank_required(role=...)`. A request without `Mc-Officer-Id` comes from the institution's
own loan system and acts as its system account, which has every right.

The request signature covers `Mc-Officer-Id` (banks.signature), so nobody can add, remove or change
the officer of a signed request. A holder of the institution's signing key can still name any of its
officers, so the header is the institution's own signed statement of who acts.
"""

import logging
import re
import uuid

from sanic import Request

from mortgage_cloud.banks import errors
from mortgage_cloud.banks.models import Institution, Officer, OfficerRole, OfficerStatus
from mortgage_cloud.banks.signature import OFFICER_HEADER

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD"})
ROLE_RANK = {OfficerRole.READ_ONLY: 0, OfficerRole.LOAN_OFFICER: 1, OfficerRole.SUPERVISOR: 2}
OFFICER_ID_PATTERN = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def required_role(declared: OfficerRole | None, method: str) -> OfficerRole:
    """Return the role a request needs: the route's declared role, raised to loan_officer for a method that changes data.

    A route that declares no role is open to every role for GET and needs a supervisor for any other
    method, so a route added without a decision fails closed.
    """
    if method.upper() in SAFE_METHODS:
        return declared or OfficerRole.READ_ONLY
    if declared is None:
        return OfficerRole.SUPERVISOR
    return max(declared, OfficerRole.LOAN_OFFICER, key=ROLE_RANK.__getitem__)


def authorise_officer(officer: Officer | None, *, declared: OfficerRole | None, method: str) -> None:
    """Raise OfficerRoleForbidden unless the officer's role reaches the role the request needs."""
    if officer is None:
        return
    needed = required_role(declared, method)
    if ROLE_RANK[OfficerRole(officer.role)] >= ROLE_RANK[needed]:
        return
    log.info(
        "bank request rejected for officer role",
        extra={"officer_id": str(officer.id), "officer_role": str(officer.role), "required_role": str(needed)},
    )
    raise errors.OfficerRoleForbidden(required_role=str(needed), officer_role=str(officer.role))


def officer_header(request: Request) -> str | None:
    """Return the `Mc-Officer-Id` value as sent, None when it is absent or empty, or raise OfficerIdInvalid.

    Only the hyphenated UUID form passes, because its hyphens keep the officer line of the signing
    message apart from the nonce line. A repeated header is rejected, so that signer and verifier read one value.
    """
    values = request.headers.getall(OFFICER_HEADER, [])
    if len(values) > 1:
        raise errors.OfficerIdInvalid(field=OFFICER_HEADER)
    value = values[0] if values else ""
    if not value:
        return None
    if not OFFICER_ID_PATTERN.fullmatch(value):
        raise errors.OfficerIdInvalid(field=OFFICER_HEADER)
    return value


async def request_officer(request: Request, institution: Institution) -> Officer | None:
    """Return the active officer of the institution that `Mc-Officer-Id` names, None without the header, or raise."""
    value = officer_header(request)
    if value is None:
        return None
    officer_id = uuid.UUID(value)

    officer = await Officer.get_or_none(id=officer_id)
    if officer is None:
        log.info("bank request names unknown officer", extra={"institution_id": str(institution.id)})
        raise errors.OfficerNotFound(field=OFFICER_HEADER)
    if officer.institution_id != institution.id:
        log.info(
            "bank request names officer of other institution",
            extra={"institution_id": str(institution.id), "officer_id": str(officer.id)},
        )
        raise errors.OfficerOfOtherInstitution(field=OFFICER_HEADER)
    if officer.status != OfficerStatus.ACTIVE:
        log.info("bank request names disabled officer", extra={"officer_id": str(officer.id)})
        raise errors.OfficerDisabled(field=OFFICER_HEADER)
    return officer


def request_actor(request: Request) -> str:
    """Return the actor recorded on application events: the request's officer, else the institution's system account."""
    officer = request.ctx.officer
    if officer is not None:
        return f"officer:{officer.id}"
    return f"institution:{request.ctx.institution.id}"
