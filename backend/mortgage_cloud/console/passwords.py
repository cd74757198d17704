"""Console passwords of officers: the password rule, setting a password, and one-time setup codes.

A supervisor (signed bank API) or the platform operator (CLI) either sets an officer's password or
issues a one-time setup code, which the officer redeems on first login to choose a password.
`Officer.console_password_hash` contains the scrypt hash of the password (the registry staff's scheme)
or, while a code is pending, `setup:<expiry as Unix seconds>:` followed by the scrypt hash of the
code, which no password login can match. Both live in the database, so the CLI and every server
process see the same state. Each change saves the officer's `updated_at`, which ends every console
session the officer had (see console.sessions).
"""

import logging
import secrets
import time
from datetime import datetime, timezone

from mortgage_cloud.banks.models import Officer
from mortgage_cloud.errors import field_error
from mortgage_cloud.review.staff_passwords import hash_password, verify_password

log = logging.getLogger(__name__)

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128
SETUP_CODE_TTL_SECONDS = 72 * 3600
SETUP_PREFIX = "setup:"
# Letters and digits that cannot be misread for one another when a code is read out or typed.
SETUP_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SETUP_CODE_LENGTH = 12


def check_password_rule(password: object, *, field: str = "password") -> str:
    """Return the password if it has 10 to 128 characters with at least one letter and one digit, else raise."""
    if not isinstance(password, str):
        raise field_error(field, "密码须为字符串。")
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise field_error(field, f"密码须为 {PASSWORD_MIN_LENGTH} 至 {PASSWORD_MAX_LENGTH} 个字符。")
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        raise field_error(field, "密码须同时包含字母和数字。")
    return password


async def set_console_password(*, officer: Officer, password: object, field: str = "password") -> Officer:
    """Store a new console password for the officer, which replaces a pending setup code and ends the officer's sessions."""
    checked = check_password_rule(password, field=field)
    officer.console_password_hash = await hash_password(checked)
    await officer.save(update_fields=["console_password_hash", "updated_at"])
    log.info("officer console password set", extra={"officer_id": str(officer.id)})
    return officer


async def issue_setup_code(*, officer: Officer) -> tuple[str, datetime]:
    """Replace the officer's password with a new one-time setup code, and return the code and its expiry.

    Only the code's hash is kept. The officer cannot log in with a password until the code is redeemed.
    """
    code = "".join(secrets.choice(SETUP_CODE_ALPHABET) for _ in range(SETUP_CODE_LENGTH))
    expires = int(time.time()) + SETUP_CODE_TTL_SECONDS
    officer.console_password_hash = f"{SETUP_PREFIX}{expires}:{await hash_password(code)}"
    await officer.save(update_fields=["console_password_hash", "updated_at"])
    log.info("officer console setup code issued", extra={"officer_id": str(officer.id)})
    return code, datetime.fromtimestamp(expires, timezone.utc)


def password_hash(officer: Officer) -> str | None:
    """Return the officer's password hash, or None while no password is set or a setup code is pending."""
    stored = officer.console_password_hash
    if not stored or stored.startswith(SETUP_PREFIX):
        return None
    return stored


async def setup_code_matches(*, officer: Officer, code: object) -> bool:
    """Check a typed setup code against the officer's pending, unexpired code."""
    stored = officer.console_password_hash or ""
    if not stored.startswith(SETUP_PREFIX):
        return False
    expires, _, encoded = stored.removeprefix(SETUP_PREFIX).partition(":")
    if not expires.isdigit() or int(expires) <= time.time():
        return False
    typed = str(code or "").strip().upper().replace("-", "").replace(" ", "")
    return len(typed) == SETUP_CODE_LENGTH and await verify_password(typed, encoded)
