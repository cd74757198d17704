import base64
import io

import pytest
from PIL import Image

from mortgage_cloud.applications.signing import decode_signature_image
from mortgage_cloud.demo.actors import handwritten_signature
from mortgage_cloud.errors import ValidationFailed

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png(width: int, height: int, colour=(255, 255, 255, 0)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def encoded(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_signature_image_drawn_signature_accepted():
    assert decode_signature_image(handwritten_signature("张三")).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize(
    "image",
    [
        PNG_SIGNATURE + b"garbage",
        png(200, 80)[:60],
        png(1, 1),
        png(300, 100),
        png(3000, 10, colour=(0, 0, 0, 255)),
        b"GIF89a not a png",
    ],
    ids=["garbage-after-header", "truncated", "one-pixel", "blank", "too-wide", "not-png"],
)
def test_signature_image_rejected_with_field(image):
    with pytest.raises(ValidationFailed) as raised:
        decode_signature_image(encoded(image))
    assert raised.value.context["field"] == "signature_image"


def test_signature_image_not_base64_rejected():
    with pytest.raises(ValidationFailed):
        decode_signature_image("%%% not base64 %%%")
