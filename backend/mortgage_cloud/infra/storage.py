"""File storage for generated documents and proofs: local files under the data directory."""

import asyncio
import hashlib
from pathlib import Path, PurePosixPath


class LocalStorage:
    """Store blobs under a root folder by a relative key such as `applications/<id>/contract.pdf`."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        """Return the file path for a key, rejecting keys that would leave the root."""
        relative = PurePosixPath(key)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"storage key must be relative and stay inside the root: {key!r}")
        return self.root / relative

    async def put(self, key: str, data: bytes) -> str:
        """Write the blob atomically and return its SHA-256 hex digest."""
        target = self.path(key)
        await asyncio.to_thread(_write_atomic, target, data)
        return hashlib.sha256(data).hexdigest()

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self.path(key).read_bytes)

    async def exists(self, key: str) -> bool:
        return self.path(key).exists()


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(data)
    partial.replace(target)
