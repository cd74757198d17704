"""A platform CA in a temporary folder, a small PDF to sign and a handwritten signature image."""

import io

import pytest
from PIL import Image, ImageDraw
from reportlab.pdfgen.canvas import Canvas

from mortgage_cloud.signing.ca import PlatformCA


@pytest.fixture(scope="session")
async def ca(tmp_path_factory: pytest.TempPathFactory) -> PlatformCA:
    return await PlatformCA.load_or_create(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="session")
def plain_pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=0)
    canvas.drawString(72, 720, "Mortgage contract page one")
    canvas.showPage()
    canvas.drawString(72, 720, "Signature page")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture(scope="session")
def signature_png() -> bytes:
    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    ImageDraw.Draw(image).line((10, 100, 80, 20, 150, 90, 290, 30), fill=(0, 0, 0, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()

