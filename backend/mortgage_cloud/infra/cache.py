"""A small cache interface with a Redis implementation and an in-process one for the embedded default."""

import asyncio
import time
from contextlib import asynccontextmanager
from typing import AsyncIterator, Protocol

import redis.asyncio as aioredis


class Cache(Protocol):
    """Key-value store with expiry, shared by all workers when it is Redis."""

    async def get(self, key: str) -> str | None: ...
    async def set(self, key: str, value: str, *, ttl: float | None = None) -> None: ...
    async def add(self, key: str, value: str, *, ttl: float) -> bool: ...
    async def delete(self, key: str) -> None: ...
    def lock(self, key: str, *, timeout: float = 10.0) -> "AsyncLock": ...
    async def close(self) -> None: ...


class AsyncLock(Protocol):
    async def __aenter__(self) -> object: ...
    async def __aexit__(self, *exc: object) -> None: ...


class MemoryCache:
    """In-process cache: correct for one process, which is all the embedded default runs."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[str, float | None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _live(self, key: str) -> str | None:
        item = self._values.get(key)
        if item is None:
            return None
        value, expires_at = item
        if expires_at is not None and expires_at <= time.monotonic():
            del self._values[key]
            return None
        return value

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def set(self, key: str, value: str, *, ttl: float | None = None) -> None:
        self._values[key] = (value, time.monotonic() + ttl if ttl else None)

    async def add(self, key: str, value: str, *, ttl: float) -> bool:
        """Store the value only when the key is absent; return whether it was stored."""
        if self._live(key) is not None:
            return False
        self._values[key] = (value, time.monotonic() + ttl)
        return True

    async def delete(self, key: str) -> None:
        self._values.pop(key, None)

    @asynccontextmanager
    async def _held(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            yield

    def lock(self, key: str, *, timeout: float = 10.0):  # noqa: ARG002 - same signature as Redis
        return self._held(key)

    async def close(self) -> None:
        self._values.clear()


class RedisCache:
    """Cache in Redis, shared by every worker and process."""

    def __init__(self, url: str, *, prefix: str = "mc:") -> None:
        self.client = aioredis.from_url(url, decode_responses=True)
        self.prefix = prefix

    async def get(self, key: str) -> str | None:
        return await self.client.get(self.prefix + key)

    async def set(self, key: str, value: str, *, ttl: float | None = None) -> None:
        await self.client.set(self.prefix + key, value, px=int(ttl * 1000) if ttl else None)

    async def add(self, key: str, value: str, *, ttl: float) -> bool:
        return bool(await self.client.set(self.prefix + key, value, px=int(ttl * 1000), nx=True))

    async def delete(self, key: str) -> None:
        await self.client.delete(self.prefix + key)

    def lock(self, key: str, *, timeout: float = 10.0):
        return self.client.lock(self.prefix + "lock:" + key, timeout=timeout, blocking_timeout=timeout)

    async def close(self) -> None:
        await self.client.aclose()


def create_cache(redis_url: str | None, *, prefix: str = "mc:") -> Cache:
    """Return a Redis cache when a URL is given, else an in-process one."""
    if redis_url:
        return RedisCache(redis_url, prefix=prefix)
    return MemoryCache()
