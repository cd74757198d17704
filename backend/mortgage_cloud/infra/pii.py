"""Personal data at rest: ID and phone numbers are stored encrypted and found through a keyed hash.

Both keys are derived from `MC_DATA_KEY` with HKDF, so one secret configures the deployment and
the encryption key never doubles as the hashing key.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_FORMAT_VERSION = "v1"


@lru_cache(maxsize=4)
def _derived_key(data_key: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(data_key.encode())


def _data_key() -> str:
    from mortgage_cloud.settings import get_settings

    return get_settings().data_key.get_secret_value()


def encrypt(plaintext: str, *, data_key: str | None = None) -> str:
    """Encrypt with AES-256-GCM; the output is `v1:<base64 nonce+ciphertext>`."""
    key = _derived_key(data_key or _data_key(), b"mortgage-cloud pii encryption")
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), _FORMAT_VERSION.encode())
    return f"{_FORMAT_VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, data_key: str | None = None) -> str:
    """Decrypt a value produced by `encrypt`; raise ValueError when it was altered or the key differs."""
    version, _, payload = token.partition(":")
    if version != _FORMAT_VERSION:
        raise ValueError(f"unknown encrypted value format {version!r}")
    raw = base64.b64decode(payload)
    key = _derived_key(data_key or _data_key(), b"mortgage-cloud pii encryption")
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], _FORMAT_VERSION.encode()).decode()
    except Exception as error:  # cryptography raises InvalidTag without a message
        raise ValueError("encrypted value failed its integrity check") from error


def search_hash(value: str, *, data_key: str | None = None) -> str:
    """Return the HMAC-SHA256 hex digest used to find a record by its ID or phone number."""
    key = _derived_key(data_key or _data_key(), b"mortgage-cloud pii search hash")
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
