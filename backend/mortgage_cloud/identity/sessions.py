"""Borrower sessions: opaque random tokens kept in the shared cache, mapped to a borrower id.

The cache key is the token's SHA-256, so a dump of the cache does not hand out live tokens.
"""

import hashlib
import secrets
import uuid

from mortgage_cloud.infra.runtime import runtime

SESSION_TTL_SECONDS = 2 * 3600


def _key(token: str) -> str:
    return "session:" + hashlib.sha256(token.encode()).hexdigest()


async def create_session(*, borrower_id: uuid.UUID | str) -> str:
    """Start a session for the borrower and return its bearer token."""
    token = secrets.token_urlsafe(32)
    await runtime().cache.set(_key(token), str(borrower_id), ttl=SESSION_TTL_SECONDS)
    return token


async def session_borrower_id(token: str) -> uuid.UUID | None:
    """Return the borrower id of a live session, or None for an unknown or expired token."""
    if not token or len(token) > 128:
        return None
    value = await runtime().cache.get(_key(token))
    return uuid.UUID(value) if value else None


async def end_session(token: str) -> None:
    """End a session; an unknown token is ignored."""
    await runtime().cache.delete(_key(token))


async def move_session(token: str, *, borrower_id: uuid.UUID | str) -> None:
    """Point a live session at another borrower, for a login joined to the record a bank branch made."""
    await runtime().cache.set(_key(token), str(borrower_id), ttl=SESSION_TTL_SECONDS)
