import asyncio
import dataclasses
import io

import pypdfium2
import pytest
from reportlab.pdfgen.canvas import Canvas

from mortgage_cloud.documents.context import template_context
from mortgage_cloud.documents.data import DocumentData, PartyInfo
from mortgage_cloud.documents.render import (
    DOCUMENT_KINDS,
    DocumentDataMissing,
    extract_document_data,
    page_count,

    render_documents,
    render_preview_pages,
    signature_box,
)
from mortgage_cloud.errors import ValidationFailed

from document_samples import UNIT_NO, sample_document_data


@pytest.fixture(scope="module")
async def rendered(document_data: DocumentData) -> dict[str, bytes]:
    return await render_documents(document_data)


def _text(pdf: bytes) -> str:
    """Return the text of every page with all whitespace removed, so wrapped table cells still match."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return "".join(text.split())


def _last_page_chars(pdf: bytes) -> list[tuple[str, tuple[float, float, float, float]]]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        textpage = document[len(document) - 1].get_textpage()
        text = textpage.get_text_range()
        return [(char, textpage.get_charbox(index)) for index, char in enumerate(text) if not char.isspace()]
    finally:
        document.close()


def test_render_returns_three_pdfs(rendered: dict[str, bytes]):
    assert set(rendered) == set(DOCUMENT_KINDS)
    assert all(pdf.startswith(b"%PDF-") for pdf in rendered.values())


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_render_text_has_unit_no(rendered: dict[str, bytes], kind: str):
    assert UNIT_NO in _text(rendered[kind])


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_render_text_has_names(rendered: dict[str, bytes], kind: str):
    text = _text(rendered[kind])
    assert "王建国" in text
    assert "李秀英" in text
    assert "中国建设银行股份有限公司长沙岳麓支行" in text


@pytest.mark.parametrize("kind", ["mortgage_contract", "application_form"])
def test_render_text_has_amounts(rendered: dict[str, bytes], kind: str):
    text = _text(rendered[kind])
    assert "1,200,000.00" in text
    assert "人民币壹佰贰拾万元整" in text


def test_render_form_has_national_fields(rendered: dict[str, bytes]):
    text = _text(rendered["application_form"])
    for label in ["收件编号", "收件日期", "权利类型", "登记类型", "权利人姓名（名称）", "义务人姓名（名称）", "身份证件种类",
                  "证件号", "通讯地址", "法定代表人或负责人", "联系电话", "代理人及电话", "坐落", "不动产单元号",
                  "不动产类型", "面积", "用途", "原不动产权证书号", "被担保主债权数额", "债务履行期限", "登记原因",
                  "登记原因证明文件", "申请人声明"]:
        assert label in text, label


async def test_render_maximum_mortgage_wording():
    documents = await render_documents(sample_document_data(mortgage_type="maximum"))
    text = _text(documents["application_form"])
    assert "最高债权额" in text
    assert "人民币壹佰伍拾万元整" in text


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_embedded_data_round_trips(rendered: dict[str, bytes], document_data: DocumentData, kind: str):
    assert extract_document_data(rendered[kind]) == document_data.to_dict()


def test_extract_document_data_missing():
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.showPage()
    canvas.save()
    with pytest.raises(DocumentDataMissing):
        extract_document_data(buffer.getvalue())


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
@pytest.mark.parametrize("role,index", [("mortgagee", 0), ("mortgagor", 0), ("mortgagor", 1)])
def test_signature_box_is_blank(rendered: dict[str, bytes], kind: str, role: str, index: int):
    _, (x1, y1, x2, y2) = signature_box(kind, role, index)
    inside = [char for char, (left, bottom, right, top) in _last_page_chars(rendered[kind])
              if left < x2 and right > x1 and bottom < y2 and top > y1]
    assert inside == []


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
@pytest.mark.parametrize("role,index,name", [("mortgagee", 0, "中"), ("mortgagor", 0, "王"), ("mortgagor", 1, "李")])
def test_signature_box_beside_signer_name(rendered: dict[str, bytes], kind: str, role: str, index: int, name: str):
    _, (x1, y1, x2, y2) = signature_box(kind, role, index)
    rows = [(bottom + top) / 2 for char, (left, bottom, right, top) in _last_page_chars(rendered[kind])
            if char == name and right < x1]
    assert any(y1 < middle < y2 for middle in rows)


def test_signature_box_unknown_role():
    with pytest.raises(ValueError):
        signature_box("mortgage_contract", "registry", 0)


def test_render_rejects_too_many_mortgagors(document_data: DocumentData):
    people = [PartyInfo(name=f"共有人{index}", id_type="居民身份证", id_number="11010519491231002X") for index in range(6)]
    with pytest.raises(ValidationFailed):
        template_context(dataclasses.replace(document_data, mortgagors=people))


async def test_concurrent_renders_succeed(document_data: DocumentData):
    results = await asyncio.gather(*[render_documents(document_data) for _ in range(3)])
    assert all(len(documents) == 3 for documents in results)


async def test_preview_pages_are_png(rendered: dict[str, bytes]):
    pages = await render_preview_pages(rendered["mortgage_contract"], dpi=60)
    assert len(pages) == len(pypdfium2.PdfDocument(rendered["mortgage_contract"]))
    assert all(page.startswith(b"\x89PNG\r\n\x1a\n") for page in pages)


async def test_preview_pages_concurrent_renders_are_png(rendered: dict[str, bytes]):
    # PDFium crashes the process when two threads call it at once, so this fails by crashing without the lock.
    documents = [rendered[kind] for kind in DOCUMENT_KINDS] * 8
    results = await asyncio.gather(*[render_preview_pages(pdf) for pdf in documents])
    assert all(page.startswith(b"\x89PNG\r\n\x1a\n") for pages in results for page in pages)


def test_page_count_matches_pdfium(rendered: dict[str, bytes]):
    pdf = rendered["mortgage_contract"]
    assert page_count(pdf) == len(pypdfium2.PdfDocument(pdf))
