"""The valuation report (评估报告) in Chinese: a .docx built with python-docx, converted to PDF by LibreOffice."""

import asyncio
import io
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from mortgage_cloud.errors import AppError
from mortgage_cloud.valuation.models import Valuation

log = logging.getLogger(__name__)

FONT_NAME = "WenQuanYi Zen Hei"
FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
SOFFICE_TIMEOUT_SECONDS = 120
METHOD_NAMES = {"comparables": "比较法（可比案例）", "model": "模型法（机器学习模型）", "blend": "比较法与模型法加权"}
GRADE_NAMES = {"A": "A（高）", "B": "B（较高）", "C": "C（一般）", "D": "D（低，仅供参考）"}
FACTOR_NAMES = {"area": "面积", "floor_band": "楼层", "age": "楼龄", "decoration": "装修", "time": "挂牌时间"}


class ReportFailed(AppError):
    status = 500
    code = "VALUATION_REPORT_FAILED"
    message = "评估报告生成失败，请稍后重试。"


@dataclass(frozen=True)
class ReportFiles:
    """The report's two files."""

    docx: Path
    pdf: Path


async def write_report(valuation: Valuation, *, directory: Path, community_prices: list[float]) -> ReportFiles:
    """Write `<id>.docx` and `<id>.pdf` for a stored valuation into the folder and return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    docx_path = directory / f"valuation-{valuation.id}.docx"
    await asyncio.to_thread(_write_docx, valuation, docx_path, community_prices)
    pdf_path = await _convert_to_pdf(docx_path)
    log.info("valuation report written", extra={"valuation_id": str(valuation.id), "pdf": str(pdf_path)})
    return ReportFiles(docx=docx_path, pdf=pdf_path)


def _write_docx(valuation: Valuation, path: Path, community_prices: list[float]) -> None:
    subject = valuation.input["subject"]
    document = Document()
    _set_default_font(document)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(1.8)

    _heading(document, "房地产智慧评估报告")
    _paragraph(document, f"报告编号：{valuation.id}")
    _paragraph(document, f"评估时间：{valuation.created_at:%Y-%m-%d %H:%M}（UTC）    模型版本：{valuation.model_version}")

    _heading(document, "一、估价对象", level=2)
    _table(document, ["项目", "内容"], _subject_rows(valuation, subject))

    _heading(document, "二、估价方法", level=2)
    detail = valuation.detail or {}
    _paragraph(document, f"本次采用{METHOD_NAMES[str(valuation.method)]}。可比案例权重 {detail.get('comparables_weight', 0):.0%}，"
               f"模型单价 {detail.get('model_unit_price', 0):,} 元/平方米。")
    _paragraph(document, "可比案例取自同一小区面积相近的挂牌房源，逐项按面积、楼层、楼龄、装修和挂牌时间修正；"
               "模型为梯度提升树，以小区、区县的历史单价和房屋特征估价。数据为链家挂牌价，不是成交价。")

    _heading(document, "三、估价结果", level=2)
    _table(document, ["项目", "结果"], [
        ["评估单价", f"{valuation.unit_price:,.0f} 元/平方米"],
        ["评估总价", f"{valuation.total_value:,.0f} 元"],
        ["80% 区间（总价）", f"{valuation.low_total_value:,.0f} 元 至 {valuation.high_total_value:,.0f} 元"],
        ["80% 区间（单价）", f"{valuation.low_unit_price:,.0f} 至 {valuation.high_unit_price:,.0f} 元/平方米"],
        ["置信等级", GRADE_NAMES[str(valuation.confidence_grade)]],
    ])

    _heading(document, "四、可比案例及修正", level=2)
    if valuation.comparables:
        siblings = sorted({item["community"] for item in valuation.comparables} - {subject["community"]})
        if siblings:
            # Comparables stored before the relation field existed came from the estate's other phases only.
            relation = valuation.comparables[0].get("relation", "estate")
            kind = "名称前缀相同的小区" if relation == "prefix" else "同一楼盘的其他分期或片区"
            _paragraph(document, f"该小区没有面积相近的挂牌房源，可比案例取自同区县{kind}：{'、'.join(siblings)}。")
        _paragraph(document, "修正系数为乘数：可比案例单价依次乘以面积、楼层、楼龄、装修和挂牌时间系数，得到修正后单价（元/平方米）；“-”表示缺少该项信息，不作修正。")
        header = ["房源编号", "面积㎡", "楼层", "建成", "装修", "挂牌日期", "挂牌单价", *FACTOR_NAMES.values(), "修正后单价"]
        _table(document, header, [_comparable_row(item) for item in valuation.comparables], font_size=7.5)
    else:
        _paragraph(document, "该小区没有面积相近的可比挂牌房源，本次仅采用模型法。")

    _heading(document, f"五、{subject['community']} 挂牌单价分布", level=2)
    if community_prices:
        chart = _chart(subject["community"], community_prices, float(valuation.unit_price))
        document.add_picture(chart, width=Cm(15))
    else:
        _paragraph(document, "训练数据中没有该小区的挂牌房源。")

    _paragraph(document, "声明：本报告为自动估价模型的结果，仅供贷款审查参考，不替代具有资质的房地产估价机构出具的估价报告。")
    document.save(path)


def _subject_rows(valuation: Valuation, subject: dict) -> list[list[str]]:
    layout = "".join(f"{subject[key]}{label}" for key, label in (("rooms", "室"), ("halls", "厅"), ("baths", "卫")) if subject.get(key) is not None)
    lift = {True: "有", False: "无"}.get(subject.get("has_lift"), "未知")
    return [
        ["不动产单元号", valuation.unit_no or "（按地址估价）"],
        ["区县", subject["district"]],
        ["小区", subject["community"]],
        ["建筑面积", f"{subject['area']:.2f} 平方米"],
        ["楼层", f"{subject.get('floor_band') or '未知'}楼层，共 {subject.get('total_floors') or '未知'} 层"],
        ["建成年份", str(subject.get("build_year") or "未知")],
        ["户型", layout or "未知"],
        ["装修 / 朝向 / 电梯", f"{subject.get('decoration') or '未知'} / {subject.get('orientation') or '未知'} / {lift}"],
    ]


def _comparable_row(item: dict) -> list[str]:
    factors = [f"{item['adjustments'][name]:.3f}" if name in item["adjustments"] else "-" for name in FACTOR_NAMES]
    return [
        item["listing_id"],
        f"{item['area']:.1f}",
        f"{item.get('floor_band') or '-'}/{item.get('total_floors') or '-'}",
        str(item.get("build_year") or "-"),
        item.get("decoration") or "-",
        item.get("listing_date") or "-",
        f"{item['unit_price']:,}",
        *factors,
        f"{item['adjusted_unit_price']:,}",
    ]


def _chart(community: str, prices: list[float], estimate: float) -> io.BytesIO:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font = font_manager.FontProperties(fname=str(FONT_FILE)) if FONT_FILE.exists() else None
    figure, axes = plt.subplots(figsize=(7, 3.2), dpi=120)
    try:
        axes.scatter(range(1, len(prices) + 1), sorted(prices), color="#4a78b0", label="挂牌单价")
        axes.axhline(estimate, color="#c0392b", linestyle="--", label="评估单价")
        axes.set_title(f"{community} 挂牌单价（元/平方米）", fontproperties=font)
        axes.set_xlabel("房源（按单价排序）", fontproperties=font)
        axes.legend(prop=font)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        plt.close(figure)
    buffer.seek(0)
    return buffer


def _set_default_font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT_NAME
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT_NAME)


def _run_font(run) -> None:
    run.font.name = FONT_NAME
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_NAME)


def _heading(document, text: str, *, level: int = 1) -> None:
    paragraph = document.add_paragraph()
    if level == 1:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(18 if level == 1 else 13)
    _run_font(run)


def _paragraph(document, text: str) -> None:
    _run_font(document.add_paragraph().add_run(text))


def _table(document, header: list[str], rows: list[list[str]], *, font_size: float = 9) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(font_size)
        _run_font(run)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            run = cell.paragraphs[0].add_run(str(text))
            run.font.size = Pt(font_size)
            _run_font(run)


async def _convert_to_pdf(docx_path: Path) -> Path:
    # A private LibreOffice profile per call, because two soffice processes sharing a profile block each other.
    with tempfile.TemporaryDirectory(prefix="mc-soffice-") as profile:
        process = await asyncio.create_subprocess_exec(
            "soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
            "--outdir", str(docx_path.parent), str(docx_path),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=SOFFICE_TIMEOUT_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()
            log.error("soffice timed out", extra={"docx": str(docx_path)})
            raise ReportFailed() from None

    pdf_path = docx_path.with_suffix(".pdf")
    if process.returncode != 0 or not pdf_path.exists():
        log.error("soffice failed", extra={"docx": str(docx_path), "returncode": process.returncode, "stderr": stderr[-500:].decode(errors="replace")})
        raise ReportFailed()
    return pdf_path
