"""The electronic registration proof (不动产登记证明) for a mortgage, drawn with reportlab.

It is on the path from submission to proof, so it is drawn directly rather than through LibreOffice.
The registry's seal is added afterwards by `signing.pades.sign_pdf` in `PROOF_SEAL_BOX`.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import qrcode
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from mortgage_cloud.documents.amounts import amount_in_words, format_amount
from mortgage_cloud.documents.context import chinese_date

FONT_NAME = "WenQuanYiZenHei"
FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
DISPLAY_ZONE = ZoneInfo("Asia/Shanghai")

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT, RIGHT = 72.0, PAGE_WIDTH - 72.0
LABEL_WIDTH = 110.0
TABLE_TOP = PAGE_HEIGHT - 190.0
FOOTER_Y = 150.0
QR_SIZE = 84.0  # points, quiet zone included
FRAME_COLOUR = Color(0.55, 0.35, 0.15)

# Page and box of the registry's seal, over the registry's name and date at the bottom right.
PROOF_SEAL_PAGE = 0
PROOF_SEAL_BOX = (RIGHT - 150.0, FOOTER_Y - 50.0, RIGHT - 30.0, FOOTER_Y + 70.0)


@dataclass(frozen=True)
class ProofData:
    """Everything the proof shows; amounts in yuan, `mortgage_type` "general" or "maximum"."""

    proof_no: str
    right_type: str
    right_holder: str
    obligors: list[str]
    location: str
    unit_no: str
    mortgage_type: str
    secured_amount: Decimal | None
    max_secured_amount: Decimal | None
    debt_start: date
    debt_end: date
    rank: int
    certificate_no: str
    guarantee_scope: str
    remarks: str
    registered_at: datetime
    registry_name: str
    verification_url: str


def render_proof_pdf(proof: ProofData) -> bytes:
    """Draw the one-page proof and return the PDF bytes."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"不动产登记证明 {proof.proof_no}")
    canvas.setAuthor(proof.registry_name)
    font = proof_font()

    _draw_header(canvas, proof, font)
    _draw_table(canvas, _rows(proof), font)
    _draw_footer(canvas, proof, font)
    _draw_qr(canvas, proof.verification_url)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def other_details(proof: ProofData) -> list[str]:
    """Return the lines of the 其他 field: amount, term, mortgage type, rank, ownership certificate."""
    is_general = proof.mortgage_type == "general"
    amount = proof.secured_amount if is_general else proof.max_secured_amount
    amount_text = f"{format_amount(amount)}元（{amount_in_words(amount)}）" if amount is not None else "—"
    return [
        f"抵押方式：{'一般抵押' if is_general else '最高额抵押'}",
        f"{'被担保主债权数额' if is_general else '最高债权额'}：{amount_text}",
        f"{'债务履行期限' if is_general else '债权确定期间'}：{chinese_date(proof.debt_start)}起"
        f"至{chinese_date(proof.debt_end)}止",
        f"抵押顺位：第{proof.rank}顺位",
        f"担保范围：{proof.guarantee_scope}",
        f"不动产权证书号：{proof.certificate_no}",
    ]


@lru_cache(maxsize=1)
def proof_font() -> str:
    """Register the proof's CJK font with reportlab once per process and return its name."""
    # Registering parses the 17 MB collection; later proofs reuse the parsed font.
    pdfmetrics.registerFont(TTFont(FONT_NAME, FONT_FILE, subfontIndex=0))
    return FONT_NAME


def _rows(proof: ProofData) -> list[tuple[str, list[str]]]:
    return [
        ("证明权利或事项", [proof.right_type]),
        ("权利人（申请人）", [proof.right_holder]),
        ("义务人", ["、".join(proof.obligors)]),
        ("坐落", [proof.location]),
        ("不动产单元号", [proof.unit_no]),
        ("其他", other_details(proof)),
        ("附记", [line for line in proof.remarks.splitlines() if line.strip()] or [""]),
    ]


def _draw_header(canvas: Canvas, proof: ProofData, font: str) -> None:
    canvas.setStrokeColor(FRAME_COLOUR)
    canvas.setLineWidth(2)
    canvas.rect(LEFT - 20, 60, RIGHT - LEFT + 40, PAGE_HEIGHT - 110)

    canvas.setFillColor(black)
    canvas.setFont(font, 24)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 110, "不动产登记证明")
    canvas.setFont(font, 11)
    canvas.drawRightString(RIGHT, PAGE_HEIGHT - 150, proof.proof_no)


def _draw_table(canvas: Canvas, rows: list[tuple[str, list[str]]], font: str) -> None:
    line_height = 16.0
    value_width = RIGHT - LEFT - LABEL_WIDTH - 12
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.8)

    top = TABLE_TOP
    for label, lines in rows:
        wrapped = [piece for line in lines for piece in _wrap(line, font, 10.5, value_width)]
        height = max(len(wrapped), 1) * line_height + 14
        canvas.rect(LEFT, top - height, RIGHT - LEFT, height)
        canvas.line(LEFT + LABEL_WIDTH, top, LEFT + LABEL_WIDTH, top - height)

        canvas.setFont(font, 10.5)
        canvas.drawCentredString(LEFT + LABEL_WIDTH / 2, top - height / 2 - 4, label)
        for index, piece in enumerate(wrapped):
            canvas.drawString(LEFT + LABEL_WIDTH + 6, top - 18 - index * line_height, piece)
        top -= height


def _draw_footer(canvas: Canvas, proof: ProofData, font: str) -> None:
    registered = proof.registered_at.astimezone(DISPLAY_ZONE).date()
    canvas.setFont(font, 12)
    canvas.drawRightString(RIGHT - 20, FOOTER_Y + 20, proof.registry_name)
    canvas.drawRightString(RIGHT - 20, FOOTER_Y, chinese_date(registered))
    canvas.setFont(font, 9)
    page, code = _verification_parts(proof.verification_url)
    text = f"扫描二维码，或访问 {page} 并输入证明号和校验码 {code}，即可核验本证明的真实性。"
    width = PROOF_SEAL_BOX[0] - 10 - LEFT  # stop short of the seal, which is stamped later
    for index, line in enumerate(_wrap(text, font, 9, width)):
        canvas.drawString(LEFT, FOOTER_Y - 30 - index * 13, line)


def _verification_parts(url: str) -> tuple[str, str]:
    """Split the QR code's URL into the page a person can type and the check code they must enter."""
    parts = urlsplit(url)
    code = parse_qs(parts.query).get("code", [""])[0]
    return f"{parts.scheme}://{parts.netloc}{parts.path}", code


def _draw_qr(canvas: Canvas, url: str) -> None:
    # A fixed mask pattern is valid for any reader and skips the search over all eight, most of the QR cost.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, mask_pattern=0)
    code.add_data(url)
    code.make(fit=True)
    modules = code.get_matrix()  # rows of booleans, quiet zone included

    # Drawn as vector rectangles, one per run of dark modules in a row: sharp at any zoom, and far cheaper
    # than rasterising the code and embedding the picture.
    module = QR_SIZE / len(modules)
    left, top = LEFT, FOOTER_Y - 20 + QR_SIZE
    path = canvas.beginPath()
    for row, dark in enumerate(modules):
        for start, length in _dark_runs(dark):
            path.rect(left + start * module, top - (row + 1) * module, length * module, module)
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1)


def _dark_runs(row: list[bool]) -> list[tuple[int, int]]:
    """Return (first column, length) of each run of dark modules in a QR code row."""
    runs, start = [], None
    for column, dark in enumerate([*row, False]):
        if dark and start is None:
            start = column
        elif not dark and start is not None:
            runs.append((start, column - start))
            start = None
    return runs


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break text into lines no wider than `width`, character by character, because Chinese has no spaces."""
    lines, current = [], ""
    for char in text:
        if current and pdfmetrics.stringWidth(current + char, font, size) > width:
            lines.append(current)
            current = ""
        current += char
    return lines + [current] if current or not lines else lines
