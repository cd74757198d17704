"""Build the .docx templates of the mortgage contract, the application form and the power of attorney.

Run `python scripts/build_templates.py` after changing this file and commit the .docx files it writes
to backend/mortgage_cloud/documents/templates/. The templates hold docxtpl (Jinja) tags that
`mortgage_cloud.documents.render` fills from `DocumentData`.
"""

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "backend"))

from mortgage_cloud.documents import layout  # noqa: E402

TEMPLATES = ROOT / "backend" / "mortgage_cloud" / "documents" / "templates"
FONT = "WenQuanYi Zen Hei"
BODY_SIZE = 10.5  # 五号
TITLE_SIZE = 18  # 小二


# --- building blocks -------------------------------------------------------------------------


def new_document() -> Document:
    """Create an A4 document whose default font is the CJK font for both Latin and East Asian text."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Pt(layout.PAGE_WIDTH), Pt(layout.PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Pt(layout.MARGIN_TOP), Pt(layout.MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Pt(layout.MARGIN_LEFT), Pt(layout.MARGIN_RIGHT)

    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    _east_asian_font(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.3
    return document


def _east_asian_font(run_properties) -> None:
    # Without w:eastAsia, LibreOffice and Word pick their own fallback font for the Chinese characters.
    fonts = run_properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        run_properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def add_text(paragraph, text: str, *, size: float | None = None, bold: bool = False):
    """Append a run in the CJK font."""
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    run.font.name = FONT
    _east_asian_font(run._element.get_or_add_rPr())
    return run


def title(document, text: str, *, subtitle: str | None = None) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(6)
    add_text(paragraph, text, size=TITLE_SIZE, bold=True)
    if subtitle:
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        add_text(line, subtitle)


def paragraph(document, text: str, *, indent: bool = True, bold: bool = False, align=None):
    result = document.add_paragraph()
    if indent:
        result.paragraph_format.first_line_indent = Pt(BODY_SIZE * 2)
    if align is not None:
        result.alignment = align
    add_text(result, text, bold=bold)
    return result


def article(document, heading: str, *texts: str) -> None:
    """Add a numbered article: a bold heading and its indented paragraphs."""
    paragraph(document, heading, indent=False, bold=True)
    for text in texts:
        paragraph(document, text)


def fill_cell(cell, text: str, *, bold: bool = False, align=None) -> None:
    cell_paragraph = cell.paragraphs[0]
    cell_paragraph.paragraph_format.space_after = Pt(0)
    cell_paragraph.paragraph_format.line_spacing = 1.15
    if align is not None:
        cell_paragraph.alignment = align
    add_text(cell_paragraph, text, bold=bold)


def form_table(document, rows: list[list[str]], *, widths: list[float]):
    """Add a bordered table with the given rows; see `_rows` for how short rows merge."""
    table = new_table(document, widths)
    _rows(table, widths, rows)
    return table


def new_table(document, widths: list[float]):
    """Add an empty bordered table with fixed column widths (LibreOffice reads them from the table grid)."""
    table = document.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Pt(width)
    return table


def section_row(table, text: str) -> None:
    """Add a full-width shaded heading row such as 申请人情况."""
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[len(row.cells) - 1])
    fill_cell(merged, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), "E7E6E6")
    merged._tc.get_or_add_tcPr().append(shading)


def signature_page(document, *, caption: str, mortgagee_label: str, mortgagor_label: str) -> None:
    """Add the signature page whose rows `documents.render.signature_box` points into."""
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = heading.paragraph_format
    fmt.page_break_before = True
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(layout.SIGNATURE_TITLE_HEIGHT)
    add_text(heading, caption, size=12, bold=True)

    widths = [layout.SIGNATURE_LABEL_WIDTH, layout.CONTENT_WIDTH - layout.SIGNATURE_LABEL_WIDTH]
    table = new_table(document, widths)

    _signature_row(table, widths, [f"{mortgagee_label}", "{{ mortgagee.name }}"])
    _loop_row(table, "{%tr for m in mortgagors %}")
    _signature_row(table, widths, [f"{mortgagor_label}", "{{ m.name }}"])
    _loop_row(table, "{%tr endfor %}")

    closing = document.add_paragraph()
    closing.paragraph_format.space_after = Pt(0)
    add_text(closing, "", size=1)


def _signature_row(table, widths: list[float], lines: list[str]) -> None:
    row = table.add_row()
    row.height = Pt(layout.SIGNATURE_ROW_HEIGHT)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
    for index, width in enumerate(widths):
        row.cells[index].width = Pt(width)
    label = row.cells[0]
    fill_cell(label, lines[0], bold=True)
    for line in lines[1:]:
        extra = label.add_paragraph()
        add_text(extra, line)
    # The right cell stays empty: the signature appearance is drawn there when the document is signed.


def _loop_row(table, tag: str) -> None:
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[1])
    fill_cell(merged, tag)


# --- the three documents ---------------------------------------------------------------------


def build_mortgage_contract() -> Document:
    document = new_document()
    title(document, "不动产抵押合同", subtitle="合同编号：{{ application_no }}")

    paragraph(document, "抵押权人（甲方）：{{ mortgagee.name }}", indent=False, bold=True)
    paragraph(document, "统一社会信用代码：{{ mortgagee.id_number }}", indent=False)
    paragraph(document, "住所：{{ mortgagee.address }}", indent=False)
    paragraph(document, "负责人：{{ mortgagee.legal_representative }}　　联系电话：{{ mortgagee.phone }}", indent=False)

    paragraph(document, "抵押人（乙方）：", indent=False, bold=True)
    paragraph(document, "{%p for m in mortgagors %}", indent=False)
    paragraph(document, "{{ loop.index }}. 姓名：{{ m.name }}；{{ m.id_type }}号码：{{ m.id_number }}；"
              "住址：{{ m.address }}；联系电话：{{ m.phone }}{% if m.share %}；共有份额：{{ m.share }}{% endif %}",
              indent=False)
    paragraph(document, "{%p endfor %}", indent=False)
    paragraph(document, "债务人：{{ debtor.name }}（{{ debtor.id_type }}号码：{{ debtor.id_number }}）", indent=False)

    paragraph(document, "为确保债务人履行其与甲方签订的编号为{{ terms.loan_contract_no }}的借款合同（以下简称“主合同”）"
              "项下的债务，乙方自愿以其依法享有的不动产为甲方设定抵押。甲乙双方根据《中华人民共和国民法典》"
              "等法律法规，经平等协商一致，订立本合同，共同遵守。")

    article(document, "第一条　被担保的主债权",
            "{% if terms.is_general %}本合同为一般抵押。被担保的主债权为甲方依据主合同向债务人发放的贷款本金，"
            "数额为人民币（小写）{{ terms.amount_figures }}元，（大写）{{ terms.amount_words }}。"
            "{% else %}本合同为最高额抵押。乙方在最高债权额人民币（小写）{{ terms.amount_figures }}元，"
            "（大写）{{ terms.amount_words }}的限度内，为甲方在债权确定期间内依据主合同对债务人连续发生的债权"
            "提供抵押担保。{% endif %}")
    article(document, "第二条　债务履行期限",
            "{% if terms.is_general %}债务人履行债务的期限{% else %}债权确定期间{% endif %}"
            "自{{ terms.debt_start }}起至{{ terms.debt_end }}止。")
    article(document, "第三条　抵押财产",
            "抵押财产为乙方依法享有的下列不动产：坐落于{{ property.location }}，不动产单元号为{{ property.unit_no }}，"
            "不动产权证书号为{{ property.certificate_no }}，房屋类型为{{ property.property_type }}，"
            "用途为{{ property.use }}，建筑面积{{ property.area }}平方米，共有情况为{{ property.co_ownership }}。",
            "该房屋占用范围内的建设用地使用权一并抵押。")
    article(document, "第四条　担保范围", "本合同的担保范围为：{{ terms.guarantee_scope }}。")
    article(document, "第五条　抵押登记",
            "甲乙双方应于本合同签订后共同向{{ registry_name }}申请办理抵押登记，抵押权自登记时设立。"
            "本次抵押预计为该不动产上第{{ terms.expected_rank }}顺位的抵押权，最终以不动产登记簿的记载为准。",
            "本合同、不动产登记申请书与不动产登记簿记载的事项应当一致；不一致的，以不动产登记簿为准。")
    article(document, "第六条　抵押财产的转让",
            "{% if terms.transfer_restricted %}抵押期间，未经甲方书面同意，乙方不得转让抵押财产。"
            "双方同意将该约定申请记载于不动产登记簿。{% else %}抵押期间，乙方可以转让抵押财产，但应当及时通知甲方。"
            "甲方能够证明抵押财产转让可能损害抵押权的，可以请求乙方将转让所得的价款向甲方提前清偿债务或者提存。"
            "{% endif %}")
    article(document, "第七条　抵押权的实现",
            "债务人不履行到期债务或者发生双方约定的实现抵押权的情形，甲方可以与乙方协议以抵押财产折价，"
            "或者以拍卖、变卖抵押财产所得的价款优先受偿；协议不成的，甲方可以请求人民法院拍卖、变卖抵押财产。")
    article(document, "第八条　乙方的声明与保证",
            "乙方保证对抵押财产享有完全的处分权，抵押财产不存在查封、扣押等依法不得抵押的情形；"
            "抵押财产为共有的，全体共有人均已同意设定本抵押并在本合同上签字。")
    article(document, "第九条　争议解决",
            "因履行本合同发生的争议，由双方协商解决；协商不成的，依法向抵押财产所在地人民法院提起诉讼。")
    article(document, "第十条　合同的订立与生效",
            "本合同以电子形式订立，自甲方加盖电子签章、乙方全体签署电子签名之日起生效。"
            "双方确认，依法使用的可靠电子签名与手写签名或者盖章具有同等的法律效力。")

    signature_page(document, caption="（本页无正文，为《不动产抵押合同》签署页）",
                   mortgagee_label="抵押权人（甲方）盖章：", mortgagor_label="抵押人（乙方）签字：")
    return document


def build_application_form() -> Document:
    document = new_document()
    title(document, "不动产登记申请书")
    widths = [100.0, 125.65, 100.0, 125.65]

    table = form_table(document, [
        ["收件编号", "{{ application_no }}", "收件日期", "{{ application_date }}"],
        ["收件人", "{{ receiver }}", "申请方式", "网上申请"],
        ["权利类型", "{{ right_type }}", "登记类型", "{{ registration_type }}"],
    ], widths=widths)

    section_row(table, "申请人情况")
    _party_rows(table, widths, role="权利人", party="mortgagee", extra=("申请人身份", ""))
    _append_loop(table, "{%tr for m in mortgagors %}")
    _party_rows(table, widths, role="义务人", party="m", extra=("共有份额", "{{ m.share or '—' }}"))
    _append_loop(table, "{%tr endfor %}")

    section_row(table, "不动产情况")
    _rows(table, widths, [
        ["坐落", "{{ property.location }}"],
        ["不动产单元号", "{{ property.unit_no }}", "不动产类型", "{{ property.property_type }}"],
        ["面积", "{{ property.area }}平方米", "用途", "{{ property.use }}"],
        ["原不动产权证书号", "{{ property.certificate_no }}", "共有情况", "{{ property.co_ownership }}"],
    ])

    section_row(table, "抵押情况")
    _rows(table, widths, [
        ["{{ terms.amount_label }}", "（小写）{{ terms.amount_figures }}元　（大写）{{ terms.amount_words }}"],
        ["{{ terms.term_label }}", "自{{ terms.debt_start }}起至{{ terms.debt_end }}止"],
        ["抵押方式", "{{ terms.mortgage_type_label }}", "担保范围", "{{ terms.guarantee_scope }}"],
        ["是否存在禁止或限制转让抵押不动产的约定", "{{ terms.transfer_restricted_label }}"],
        ["债务人", "{{ debtor.name }}"],
    ])

    section_row(table, "登记原因及证明")
    _rows(table, widths, [
        ["登记原因", "{{ reason }}"],
        ["登记原因证明文件", "{{ supporting_documents_text }}"],
        ["申请证书版式", "电子证明", "申请分别持证", "否"],
        ["备注", "本申请经智慧抵押云平台在线提交，申请人身份已通过人脸识别核验。"],
    ])

    paragraph(document, "")
    paragraph(document, "申请人声明", indent=False, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(document, "本申请人对填写的上述内容及提交的申请材料的真实性负责。如有不实，申请人愿承担法律责任。"
              "申请人同意登记机构通过政务信息共享等方式核验上述信息。")

    signature_page(document, caption="（本页无正文，为《不动产登记申请书》申请人签章页）",
                   mortgagee_label="权利人（申请人）盖章：", mortgagor_label="义务人（申请人）签字：")
    return document


def _party_rows(table, widths: list[float], *, role: str, party: str, extra: tuple[str, str]) -> None:
    _rows(table, widths, [
        [f"{role}姓名（名称）", f"{{{{ {party}.name }}}}", extra[0], extra[1] or f"{{{{ {party}.role_label }}}}"],
        ["身份证件种类", f"{{{{ {party}.id_type }}}}", "证件号", f"{{{{ {party}.id_number }}}}"],
        ["通讯地址", f"{{{{ {party}.address }}}}", "联系电话", f"{{{{ {party}.phone }}}}"],
        ["法定代表人或负责人", f"{{{{ {party}.legal_representative or '—' }}}}", "代理人及电话",
         f"{{{{ {party}.agent_text }}}}"],
    ])


def _rows(table, widths: list[float], rows: list[list[str]]) -> None:
    """Append label/value rows; a row with fewer cells than columns merges its last cell to the right edge."""
    for cells in rows:
        row = table.add_row()
        for index, width in enumerate(widths):
            row.cells[index].width = Pt(width)
        if len(cells) < len(widths):
            row.cells[len(cells) - 1].merge(row.cells[len(widths) - 1])
        for index, text in enumerate(cells):
            fill_cell(row.cells[index], text, bold=index % 2 == 0)


def _append_loop(table, tag: str) -> None:
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[len(row.cells) - 1])
    fill_cell(merged, tag)


def build_power_of_attorney() -> Document:
    document = new_document()
    title(document, "授权委托书", subtitle="编号：{{ application_no }}-WT")

    paragraph(document, "委托人：", indent=False, bold=True)
    paragraph(document, "{%p for m in mortgagors %}", indent=False)
    paragraph(document, "{{ loop.index }}. 姓名：{{ m.name }}；{{ m.id_type }}号码：{{ m.id_number }}；"
              "住址：{{ m.address }}；联系电话：{{ m.phone }}", indent=False)
    paragraph(document, "{%p endfor %}", indent=False)

    paragraph(document, "受托人：{{ mortgagee.name }}", indent=False, bold=True)
    paragraph(document, "统一社会信用代码：{{ mortgagee.id_number }}；住所：{{ mortgagee.address }}；"
              "经办人：{{ mortgagee.agent_text }}", indent=False)

    paragraph(document, "委托人现委托受托人，就委托人坐落于{{ property.location }}的不动产（不动产单元号：{{ property.unit_no }}，"
              "不动产权证书号：{{ property.certificate_no }}），向{{ registry_name }}代为办理抵押权{{ registration_type }}，"
              "受托人的代理权限如下：")
    for index, item in enumerate([
        "提交、签收不动产登记申请材料，签署与本次登记有关的文书；",
        "查询、核对不动产登记簿中与本次登记有关的记载事项；",
        "按登记机构的要求补正申请材料，但不得变更抵押合同的约定；",
        "领取不动产登记证明及相关文书。",
    ], start=1):
        paragraph(document, f"{index}. {item}")
    paragraph(document, "委托期限：自本委托书签署之日起至本次抵押登记办结之日止。受托人无转委托权。")
    paragraph(document, "委托人确认，上述委托系其真实意思表示，受托人在委托权限内办理的事项，委托人均予以承认。")

    signature_page(document, caption="（本页无正文，为《授权委托书》签署页）",
                   mortgagee_label="受托人盖章：", mortgagor_label="委托人签字：")
    return document


def main() -> None:
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    builders = {
        "mortgage_contract": build_mortgage_contract,
        "application_form": build_application_form,
        "power_of_attorney": build_power_of_attorney,
    }
    for kind, build in builders.items():
        target = TEMPLATES / f"{kind}.docx"
        build().save(target)
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
