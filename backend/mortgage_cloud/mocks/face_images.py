"""Deterministic test face images for the mock face provider.

An image is a small PNG whose first pixel row carries a marker, a liveness flag and a keyed digest of
an ID number. The mock decodes it and compares the digest with the one of the "authoritative photo"
of the ID number it is asked about, so tests and the demo get fixed, explainable scores.
"""

import hashlib
import hmac
import io
from dataclasses import dataclass

from PIL import Image

_MARKER = b"MCFACE1"
_KEY = b"mortgage-cloud mock face digest"  # a mock's key, not a secret: it only makes digests unguessable by accident
_DIGEST_LENGTH = 16
_SIDE = 32
_OTHER_PERSON = "other-person"


@dataclass(frozen=True)
class DecodedFace:
    digest: bytes
    live: bool


def face_digest(id_number: str) -> bytes:
    """Return the keyed digest that stands for the face of the holder of an ID number."""
    return hmac.new(_KEY, id_number.strip().upper().encode(), hashlib.sha256).digest()[:_DIGEST_LENGTH]


def face_image_for(id_number: str, *, live: bool = True) -> bytes:
    """Return a PNG of the ID holder's face, taken live or (live=False) a photo of a photo."""
    return _encode(face_digest(id_number), live=live)


def other_person_face() -> bytes:
    """Return a live PNG of a face that matches nobody's ID photo."""
    return _encode(face_digest(_OTHER_PERSON), live=True)


def decode_face(data: bytes) -> DecodedFace | None:
    """Read the digest and liveness flag from an image; return None when it contains no mock face."""
    try:
        image = Image.open(io.BytesIO(data)).convert("RGB")
    except Exception:  # Pillow raises several unrelated types for bad input
        return None
    if image.width < _SIDE or image.height < 1:
        return None

    payload = bytes(image.getpixel((x, 0))[0] for x in range(len(_MARKER) + 1 + _DIGEST_LENGTH))
    if not payload.startswith(_MARKER):
        return None
    flag = payload[len(_MARKER)]
    return DecodedFace(digest=payload[len(_MARKER) + 1 :], live=flag == 1)


def similarity(left: bytes, right: bytes) -> float:
    """Return a score in [0, 100] for two digests: 100 when equal, low and spread out otherwise."""
    if hmac.compare_digest(left, right):
        return 100.0
    return float(hashlib.sha256(left + right).digest()[0] % 35)


def _encode(digest: bytes, *, live: bool) -> bytes:
    payload = _MARKER + bytes([1 if live else 0]) + digest
    image = Image.new("RGB", (_SIDE, _SIDE))
    for y in range(_SIDE):
        for x in range(_SIDE):
            shade = digest[(x + y) % _DIGEST_LENGTH]
            image.putpixel((x, y), (shade, (shade * 3 + y) % 256, (shade * 7 + x) % 256))
    for x, value in enumerate(payload):
        image.putpixel((x, 0), (value, 0, 0))

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
