"""Console login of officers: password or one-time code, a lockout after repeated failures, and sessions in the cache.

An officer logs in with the institution's unified social credit code, their officer id or phone
number, and their console password. Session tokens are stored only as SHA-256 hashes, with an expiry.
A session ends when the officer logs out, when it expires, or when the officer's record changes
(disabled, role changed, password set), because a session started before the record's `updated_at`
is rejected.
"""

import hashlib
import json
import logging
import re
import secrets
import time
import uuid
from dataclasses import dataclass

from mortgage_cloud.banks.models import Institution, InstitutionStatus, Officer, OfficerStatus
from mortgage_cloud.console import errors
from mortgage_cloud.console.passwords import (
    PASSWORD_MAX_LENGTH,
    check_password_rule,
    password_hash,
    set_console_password,
    setup_code_matches,
)
from mortgage_cloud.errors import field_error
from mortgage_cloud.infra import pii
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.review.staff_passwords import generate_password, hash_password, verify_password

log = logging.getLogger(__name__)

SESSION_TTL_SECONDS = 8 * 3600
SESSION_PREFIX = "console-session:"
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = errors.FAILURE_WINDOW_MINUTES * 60
TOKEN_MAX_LENGTH = 128
PHONE_PATTERN = re.compile(r"1[3-9]\d{9}")

_dummy_hash: str | None = None


@dataclass(frozen=True)
class Credentials:
    """The login form's identifying fields: the institution's credit code and the officer's id or phone number."""

    uscc: str
    login: str

    @property
    def login_hash(self) -> str:
        return hashlib.sha256(f"{self.uscc}|{self.login}".encode()).hexdigest()[:24]


def parse_credentials(body: dict) -> Credentials:
    """Return the login fields of a request body, normalised, or raise a field error."""
    uscc = str(body.get("uscc") or "").strip().upper()
    login = str(body.get("login") or "").strip().lower()
    if not uscc or len(uscc) > 18:
        raise field_error("uscc", "请填写本机构的 18 位统一社会信用代码。")
    if not login or len(login) > 64:
        raise field_error("login", "请填写经办人手机号或经办人编号。")
    return Credentials(uscc=uscc, login=login)


async def log_in(credentials: Credentials, password: object) -> tuple[str, Officer]:
    """Check the password and return a new session token with its officer, or raise.

    An unknown institution, an unknown officer and a wrong password fail alike. Each attempt takes
    one of `MAX_FAILURES` failure slots of the officer (or of the typed login when no officer
    matches), which expire after `FAILURE_WINDOW_SECONDS`, and a successful login gives its slot
    back. With every slot taken the login is locked, whether the officer is named by id or by phone.
    """
    officer = await find_officer(credentials)
    slot = await _take_failure_slot(credentials, officer)
    secret = str(password or "")

    stored_hash = password_hash(officer) if officer else None
    # An over-long password cannot match, and scrypt over megabytes would tie up a thread.
    matches = len(secret) <= PASSWORD_MAX_LENGTH and await verify_password(
        secret, stored_hash or await _unknown_officer_hash())
    if officer is None or stored_hash is None or not matches:
        log.info("console login failed", extra={"login_hash": credentials.login_hash,
                                                "password_set": stored_hash is not None})
        raise errors.LoginFailed()

    await runtime().cache.delete(slot)
    return await _start_session(officer), officer


async def log_in_with_setup_code(credentials: Credentials, code: object, new_password: object) -> tuple[str, Officer]:
    """Redeem the officer's one-time setup code: set the new password and return a session, or raise."""
    check_password_rule(new_password, field="new_password")
    officer = await find_officer(credentials)
    slot = await _take_failure_slot(credentials, officer)
    if officer is None or not await setup_code_matches(officer=officer, code=code):
        log.info("console setup code rejected", extra={"login_hash": credentials.login_hash})
        raise errors.SetupCodeInvalid()

    _require_active(officer)
    await set_console_password(officer=officer, password=new_password, field="new_password")
    await runtime().cache.delete(slot)
    return await _start_session(officer), officer


async def change_password(*, officer: Officer, current_password: object, new_password: object) -> str:
    """Replace the officer's password after checking the current one; return a new session, since the old ones end."""
    secret = str(current_password or "")
    stored_hash = password_hash(officer)
    matches = (stored_hash is not None and len(secret) <= PASSWORD_MAX_LENGTH
               and await verify_password(secret, stored_hash))
    if not matches:
        log.info("console password change rejected", extra={"officer_id": str(officer.id)})
        raise field_error("current_password", "当前密码不正确。", code="CONSOLE_CURRENT_PASSWORD_WRONG")
    await set_console_password(officer=officer, password=new_password, field="new_password")
    return await _start_session(officer)


async def find_officer(credentials: Credentials) -> Officer | None:
    """Return the officer of the institution with this code whose id or phone number is the login, or None."""
    institution = await Institution.get_or_none(uscc=credentials.uscc)
    if institution is None:
        return None
    try:
        return await Officer.get_or_none(id=uuid.UUID(credentials.login), institution_id=institution.id)
    except ValueError:
        pass
    if not PHONE_PATTERN.fullmatch(credentials.login):
        return None

    # Two officers of one institution may share a phone number, and then the oldest one logs in.
    query = Officer.filter(institution_id=institution.id, phone_hash=pii.search_hash(credentials.login))
    return await query.order_by("created_at", "id").first()


async def session_officer(token: str) -> Officer | None:
    """Return the officer of a live session, or None for an unknown, expired or ended one."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    key = _session_key(token)
    value = await runtime().cache.get(key)
    if not value:
        return None

    session = json.loads(value)
    officer = await Officer.get_or_none(id=uuid.UUID(session["officer_id"])).prefetch_related("institution")
    if officer is None or not _session_still_valid(officer, started_at=session["started_at"]):
        await runtime().cache.delete(key)
        log.info("console session ended by officer change", extra={"officer_id": session["officer_id"]})
        return None
    return officer


async def end_session(token: str) -> None:
    """End a console session. An unknown token is ignored."""
    await runtime().cache.delete(_session_key(token))


def _session_still_valid(officer: Officer, *, started_at: float) -> bool:
    if officer.status != OfficerStatus.ACTIVE or officer.institution.status != InstitutionStatus.ACTIVE:
        return False
    return officer.updated_at.timestamp() <= started_at


def _require_active(officer: Officer) -> None:
    if officer.status != OfficerStatus.ACTIVE:
        log.info("console login by disabled officer", extra={"officer_id": str(officer.id)})
        raise errors.OfficerDisabled()


async def _start_session(officer: Officer) -> str:
    _require_active(officer)
    institution = await officer.institution
    if institution.status != InstitutionStatus.ACTIVE:
        log.info("console login for suspended institution", extra={"institution_id": str(institution.id)})
        raise errors.InstitutionSuspended()

    token = secrets.token_urlsafe(32)
    value = json.dumps({"officer_id": str(officer.id), "started_at": time.time()})
    await runtime().cache.set(_session_key(token), value, ttl=SESSION_TTL_SECONDS)
    log.info("console session started", extra={"officer_id": str(officer.id), "institution_id": str(institution.id)})
    return token


def _session_key(token: str) -> str:
    return SESSION_PREFIX + hashlib.sha256(token.encode()).hexdigest()


async def _take_failure_slot(credentials: Credentials, officer: Officer | None) -> str:
    """Claim a free failure slot of the officer or login and return its cache key, or raise LoginLocked when all are taken."""
    account = f"officer:{officer.id}" if officer is not None else f"login:{credentials.login_hash}"
    cache = runtime().cache
    for index in range(MAX_FAILURES):
        key = f"console-login-failure:{account}:{index}"
        if await cache.add(key, "1", ttl=FAILURE_WINDOW_SECONDS):
            return key
    log.info("console login locked", extra={"login_hash": credentials.login_hash})
    raise errors.LoginLocked()


async def _unknown_officer_hash() -> str:
    # A hash to check against when the officer is unknown, so that the reply takes as long as for a wrong password.
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = await hash_password(generate_password())
    return _dummy_hash
