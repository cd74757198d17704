"""Visible signature appearances: the handwritten signature of a person or a red round seal of an organisation."""

import io
import math
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import TextStampStyle

CJK_FONT_COLLECTION = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
SEAL_RED = (200, 16, 30, 255)
SEAL_PIXELS = 360
CAPTION_PIXELS = 30


def stamp_style(*, signature_image: bytes | None, seal_text: str | None, caption: str) -> TextStampStyle:
    """Build the stamp: the signature image or a drawn seal, with the caption drawn under it.

    The caption is drawn into the picture instead of set as PDF text, because subsetting the 17 MB
    CJK font for every signature cost about 0.45 s, most of a signature's time.
    """
    if signature_image is not None:
        background = PdfImage(with_caption(_signature_picture(signature_image), caption))
    else:
        background = EncodedImage(_encoded_seal(seal_text or "", caption))

    return TextStampStyle(
        stamp_text="",
        background=background,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(1),
        ),
        border_width=0,
    )


def with_caption(picture: Image.Image, caption: str) -> Image.Image:
    """Return the picture with the caption's lines written below it in dark grey."""
    font = _caption_font(CAPTION_PIXELS)
    lines = caption.splitlines() or [""]
    line_height = round(CAPTION_PIXELS * 1.3)
    text_width = max(round(font.getlength(line)) for line in lines)
    width = max(picture.width, text_width + 8)
    canvas = Image.new("RGBA", (width, picture.height + line_height * len(lines) + 6), (255, 255, 255, 0))
    canvas.alpha_composite(picture, ((width - picture.width) // 2, 0))

    draw = ImageDraw.Draw(canvas)
    for index, line in enumerate(lines):
        draw.text((4, picture.height + 3 + index * line_height), line, font=font, fill=(40, 40, 40, 255))
    return canvas


@lru_cache(maxsize=4)
def _caption_font(pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(CJK_FONT_COLLECTION), pixels, index=0)


@dataclass(frozen=True)
class EncodedPicture:
    """An RGBA picture as the two Flate-compressed streams of a PDF image: colour, and alpha as its soft mask."""

    width: int
    height: int
    colour: bytes
    alpha: bytes

    @classmethod
    def of(cls, picture: Image.Image) -> "EncodedPicture":
        rgba = picture.convert("RGBA")
        return cls(width=rgba.width, height=rgba.height, colour=zlib.compress(rgba.convert("RGB").tobytes(), 9),
                   alpha=zlib.compress(rgba.getchannel("A").tobytes(), 9))

    def add_to(self, writer: BasePdfFileWriter) -> generic.IndirectObject:
        """Add the image's streams to the writer and return a reference to the colour image."""
        mask = writer.add_object(generic.StreamObject(self._entries("/DeviceGray"), encoded_data=self.alpha))
        entries = self._entries("/DeviceRGB")
        entries[pdf_name("/SMask")] = mask
        return writer.add_object(generic.StreamObject(entries, encoded_data=self.colour))

    def _entries(self, colour_space: str) -> generic.DictionaryObject:
        return generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Image"),
            pdf_name("/Width"): generic.NumberObject(self.width),
            pdf_name("/Height"): generic.NumberObject(self.height),
            pdf_name("/ColorSpace"): pdf_name(colour_space),
            pdf_name("/BitsPerComponent"): generic.NumberObject(8),
            pdf_name("/Filter"): pdf_name("/FlateDecode"),
        })


class EncodedImage(PdfImage):
    """A `PdfImage` that adds streams compressed beforehand, so a seal used all day is compressed once."""

    def __init__(self, encoded: EncodedPicture) -> None:
        super().__init__(Image.new("1", (encoded.width, encoded.height)))  # only its size is read
        self._encoded = encoded

    @property
    def image_ref(self) -> generic.IndirectObject:
        if self._image_ref is None or self._image_ref.get_pdf_handler() is not self.writer:
            self._image_ref = self._encoded.add_to(self.writer)
        return self._image_ref


@lru_cache(maxsize=64)
def _encoded_seal(name: str, caption: str) -> EncodedPicture:
    # Seal captions carry the date, not the time, so every seal of one organisation on one day hits this cache.
    return EncodedPicture.of(with_caption(_cached_seal(name).copy(), caption))


@lru_cache(maxsize=64)
def _cached_seal(name: str) -> Image.Image:
    return draw_seal(name)


def draw_seal(name: str) -> Image.Image:
    """Draw a round red seal: a ring, the organisation's name along the upper arc and a star in the centre."""
    size = SEAL_PIXELS
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2

    ring = size * 0.035
    draw.ellipse((ring / 2, ring / 2, size - ring / 2, size - ring / 2), outline=SEAL_RED, width=round(ring))
    _draw_star(draw, centre=(centre, centre), radius=size * 0.16)
    radius = size * 0.36
    # Long names get smaller characters, so that they still fit on the 240-degree arc without overlapping.
    font_size = min(size * 0.11, radius * math.radians(240) / (max(len(name), 1) * 1.05))
    _draw_arc_text(image, name, radius=radius, font_size=round(font_size))
    return image


def _draw_star(draw: ImageDraw.ImageDraw, *, centre: tuple[float, float], radius: float) -> None:
    points = []
    for index in range(10):
        angle = math.pi / 2 + index * math.pi / 5
        length = radius if index % 2 == 0 else radius * 0.38
        points.append((centre[0] + length * math.cos(angle), centre[1] - length * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def _draw_arc_text(image: Image.Image, text: str, *, radius: float, font_size: int) -> None:
    if not text:
        return
    font = ImageFont.truetype(str(CJK_FONT_COLLECTION), font_size, index=0)
    centre = image.width / 2

    # Spread the characters over at most 240 degrees of the upper arc, centred on the top.
    span = min(math.radians(240), len(text) * font_size * 1.05 / radius)
    step = span / max(len(text) - 1, 1)
    start = math.pi / 2 + span / 2
    for index, char in enumerate(text):
        angle = start - index * step if len(text) > 1 else math.pi / 2
        glyph = Image.new("RGBA", (font_size * 2, font_size * 2), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((font_size, font_size), char, font=font, fill=SEAL_RED, anchor="mm")
        glyph = glyph.rotate(math.degrees(angle - math.pi / 2), resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(angle) - glyph.width / 2
        y = centre - radius * math.sin(angle) - glyph.height / 2
        image.alpha_composite(glyph, (round(x), round(y)))


def _signature_picture(data: bytes) -> Image.Image:
    try:
        picture = Image.open(io.BytesIO(data))
        picture.load()
    except (OSError, Image.DecompressionBombError) as error:
        raise ValueError("the handwritten signature is not a readable image") from error
    return picture.convert("RGBA")
