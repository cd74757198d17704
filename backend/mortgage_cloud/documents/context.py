"""Turn `DocumentData` into the values the .docx templates print, in the wording a registration centre uses."""

from datetime import date
from typing import Any

from mortgage_cloud.documents.amounts import amount_in_words, format_amount
from mortgage_cloud.documents.data import DocumentData, MortgageTerms, PartyInfo
from mortgage_cloud.documents.layout import MAX_MORTGAGORS
from mortgage_cloud.errors import field_error

RECEIVER = "智慧抵押云平台（网上收件）"


def template_context(data: DocumentData) -> dict[str, Any]:
    """Return the template values; raise a field error when the data cannot fill the documents."""
    if not data.mortgagors:
        raise field_error("mortgagors", "至少需要一名抵押人。")
    if len(data.mortgagors) > MAX_MORTGAGORS:
        raise field_error("mortgagors", f"一份申请最多支持{MAX_MORTGAGORS}名抵押人在线签署，超过的请到登记大厅办理。")

    return {
        "application_no": data.application_no,
        "application_date": chinese_date(data.application_date),
        "receiver": RECEIVER,
        "registry_name": data.registry_name,
        "registration_type": data.registration_type,
        "right_type": data.right_type,
        "reason": data.reason,
        "mortgagee": _party(data.mortgagee, role_label="抵押权人"),
        "mortgagors": [_party(mortgagor, role_label="抵押人") for mortgagor in data.mortgagors],
        "debtor": _party(data.debtor, role_label="债务人"),
        "property": {**_strings(data.property.__dict__), "area": f"{data.property.area:.2f}"},
        "terms": _terms(data.terms),
        "supporting_documents_text": _numbered(data.supporting_documents),
    }


def chinese_date(value: date | None) -> str:
    """Format a date as `2026年12月04日`; an empty value gives a dash."""
    return f"{value.year}年{value.month:02d}月{value.day:02d}日" if value else "—"


def _party(party: PartyInfo, *, role_label: str) -> dict[str, str]:
    values = _strings(party.__dict__)
    agent = party.agent_name
    values["agent_text"] = f"{agent}（{party.agent_phone}）" if agent and party.agent_phone else (agent or "—")
    values["role_label"] = role_label
    return values


def _terms(terms: MortgageTerms) -> dict[str, Any]:
    is_general = terms.mortgage_type == "general"
    amount = terms.secured_amount if is_general else terms.max_secured_amount
    if terms.mortgage_type not in ("general", "maximum"):
        raise field_error("terms.mortgage_type", "抵押方式应为 general（一般抵押）或 maximum（最高额抵押）。")
    if amount is None or amount <= 0:
        field = "terms.secured_amount" if is_general else "terms.max_secured_amount"
        raise field_error(field, "被担保主债权数额（或最高债权额）必须是大于零的金额。")

    return {
        "is_general": is_general,
        "mortgage_type_label": "一般抵押" if is_general else "最高额抵押",
        "amount_label": "被担保主债权数额" if is_general else "最高债权额",
        "term_label": "债务履行期限" if is_general else "债权确定期间",
        "amount_figures": format_amount(amount),
        "amount_words": amount_in_words(amount),
        "debt_start": chinese_date(terms.debt_start),
        "debt_end": chinese_date(terms.debt_end),
        "guarantee_scope": terms.guarantee_scope,
        "transfer_restricted": terms.transfer_restricted,
        "transfer_restricted_label": "是" if terms.transfer_restricted else "否",
        "loan_contract_no": terms.loan_contract_no,
        "expected_rank": terms.expected_rank,
    }


def _numbered(items: list[str]) -> str:
    return "；".join(f"{index}. {item}" for index, item in enumerate(items, start=1)) or "—"


def _strings(values: dict[str, Any]) -> dict[str, str]:
    return {key: chinese_date(value) if isinstance(value, date) else str(value) for key, value in values.items()}
