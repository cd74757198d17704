"""Registry staff accounts: creation, login with a per-username throttle, and sessions in the shared cache."""

import hashlib
import logging
import re
import secrets
import uuid
from datetime import datetime, timezone

from tortoise.exceptions import IntegrityError

from mortgage_cloud.errors import AppError, AuthenticationRequired, Conflict, field_error
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.review.models import Staff, StaffRole
from mortgage_cloud.review.staff_passwords import generate_password, hash_password, verify_password

log = logging.getLogger(__name__)

SESSION_TTL_SECONDS = 8 * 3600
SESSION_PREFIX = "staff:"
MAX_FAILURES = 5
PASSWORD_MAX_LENGTH = 256
FAILURE_WINDOW_SECONDS = 15 * 60
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")

_dummy_hash: str | None = None


class LoginFailed(AuthenticationRequired):
    code = "STAFF_LOGIN_FAILED"
    message = "用户名或密码错误。"


class LoginThrottled(AppError):
    status = 429
    code = "STAFF_LOGIN_THROTTLED"
    message = f"该用户名登录失败次数过多，请 {FAILURE_WINDOW_SECONDS // 60} 分钟后再试。"


def normalize_username(value: object) -> str:
    """Return the username lower-cased, or raise when it is not 3-64 letters, digits, dots, dashes or underscores."""
    username = str(value or "").strip().lower()
    if not USERNAME_PATTERN.fullmatch(username):
        raise field_error("username", "用户名须为 3 至 64 位小写字母、数字、点、连字符或下划线，并以字母或数字开头。")
    return username


async def create_staff(*, username: str, display_name: str, role: str = StaffRole.REVIEWER) -> tuple[Staff, str]:
    """Create an active staff account and return it with its generated password, which is not stored anywhere."""
    username = normalize_username(username)
    display_name = display_name.strip()
    if not 1 <= len(display_name) <= 64:
        raise field_error("display_name", "姓名须为 1 至 64 个字。")
    if role not in {item.value for item in StaffRole}:
        raise field_error("role", "角色须为 reviewer（审核员）或 admin（管理员）。")

    password = generate_password()
    try:
        staff = await Staff.create(username=username, display_name=display_name, role=role,
                                   password_hash=await hash_password(password))
    except IntegrityError:
        raise Conflict("该用户名已被使用，请换一个。", code="STAFF_USERNAME_TAKEN", field="username") from None
    log.info("staff account created", extra={"staff_id": str(staff.id), "role": role})
    return staff, password


async def log_in(*, username: object, password: object) -> str:
    """Check the username and password and return a session token. An unknown user and a wrong password fail alike.

    Each attempt takes one of `MAX_FAILURES` failure slots for the username, which expire after
    `FAILURE_WINDOW_SECONDS`, and a successful login gives its slot back. With every slot taken the
    attempt is refused before the password is checked, so guessing stops at five per window.
    """
    name = str(username or "").strip().lower()[:64]
    secret = str(password or "")
    slot = await _take_failure_slot(name)
    if slot is None:
        log.info("staff login throttled", extra={"username_hash": _username_hash(name)})
        raise LoginThrottled()

    staff = await Staff.get_or_none(username=name) if name else None
    # An over-long password cannot match a generated one, and scrypt over megabytes would tie up a thread.
    matches = len(secret) <= PASSWORD_MAX_LENGTH and await verify_password(
        secret, staff.password_hash if staff else await _unknown_user_hash())
    if staff is None or not staff.active or not matches:
        log.info("staff login failed", extra={"username_hash": _username_hash(name)})
        raise LoginFailed()

    await runtime().cache.delete(slot)
    await Staff.filter(id=staff.id).update(last_login_at=datetime.now(timezone.utc))
    log.info("staff logged in", extra={"staff_id": str(staff.id)})
    return await _create_session(staff.id)


def _username_hash(username: str) -> str:
    return hashlib.sha256(username.encode()).hexdigest()[:16]


async def _take_failure_slot(username: str) -> str | None:
    """Claim a free failure slot for the username and return its cache key, or None when all are taken."""
    cache = runtime().cache
    for index in range(MAX_FAILURES):
        key = f"staff-login-failure:{_username_hash(username)}:{index}"
        if await cache.add(key, "1", ttl=FAILURE_WINDOW_SECONDS):
            return key
    return None


async def _unknown_user_hash() -> str:
    # A hash to check against when the user is unknown, so that the reply takes as long as for a wrong password.
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = await hash_password(generate_password())
    return _dummy_hash


def _session_key(token: str) -> str:
    return SESSION_PREFIX + hashlib.sha256(token.encode()).hexdigest()


async def _create_session(staff_id: uuid.UUID) -> str:
    token = secrets.token_urlsafe(32)
    await runtime().cache.set(_session_key(token), str(staff_id), ttl=SESSION_TTL_SECONDS)
    return token


async def session_staff(token: str) -> Staff | None:
    """Return the active staff member of a live session, or None for an unknown, expired or deactivated one."""
    if not token or len(token) > 128:
        return None
    value = await runtime().cache.get(_session_key(token))
    if not value:
        return None
    return await Staff.get_or_none(id=uuid.UUID(value), active=True)


async def end_session(token: str) -> None:
    """End a staff session; an unknown token is ignored."""
    await runtime().cache.delete(_session_key(token))
