"""Parsing and checking the loan data a bank sends with a new application."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from mortgage_cloud.errors import field_error

MORTGAGE_TYPES = ("general", "maximum")
DEFAULT_GUARANTEE_SCOPE = "主债权及利息、违约金、损害赔偿金和实现抵押权的费用"
_CONTRACT_NO = re.compile(r"^[A-Za-z0-9\-_/]{4,64}$")
MAX_AMOUNT = Decimal("1000000000")
MAX_TERM_YEARS = 50
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class LoanTerms:
    mortgage_type: str
    secured_amount: Decimal | None
    max_secured_amount: Decimal | None
    debt_start: date
    debt_end: date
    guarantee_scope: str
    transfer_restricted: bool
    loan_contract_no: str
    debtor_name: str | None


def parse_loan_terms(body: dict[str, Any]) -> LoanTerms:
    """Validate the loan fields of a request body; each error names its field and the fix."""
    mortgage_type = body.get("mortgage_type", "general")
    if mortgage_type not in MORTGAGE_TYPES:
        raise field_error("mortgage_type", "抵押方式须为 general（一般抵押）或 maximum（最高额抵押）。")

    amount_field = "secured_amount" if mortgage_type == "general" else "max_secured_amount"
    amount = _amount(body.get(amount_field), field=amount_field)
    debt_start = _date(body.get("debt_start"), field="debt_start")
    debt_end = _date(body.get("debt_end"), field="debt_end")
    if debt_end <= debt_start:
        raise field_error("debt_end", "债务履行期限的结束日期须晚于开始日期。")
    today = date.today()
    if not today - timedelta(days=366) <= debt_start <= today + timedelta(days=366):
        raise field_error("debt_start", "债务履行期限的开始日期须在今天前后一年之内。")
    if (debt_end - debt_start).days > MAX_TERM_YEARS * 366:
        raise field_error("debt_end", f"债务履行期限不能超过 {MAX_TERM_YEARS} 年。")

    contract_no = _text(body.get("loan_contract_no", ""), field="loan_contract_no").strip()
    if not _CONTRACT_NO.match(contract_no):
        raise field_error("loan_contract_no", "借款合同编号须为 4 至 64 位字母、数字或 - _ /。")

    scope = _text(body.get("guarantee_scope") or DEFAULT_GUARANTEE_SCOPE, field="guarantee_scope").strip()
    if len(scope) > 500:
        raise field_error("guarantee_scope", "担保范围不能超过 500 个字。")

    debtor_name = body.get("debtor_name")
    if debtor_name is not None and not (1 <= len(_text(debtor_name, field="debtor_name").strip()) <= 128):
        raise field_error("debtor_name", "债务人名称须为 1 至 128 个字。")

    transfer_restricted = body.get("transfer_restricted", False)
    if not isinstance(transfer_restricted, bool):
        raise field_error("transfer_restricted", "transfer_restricted 须为 true 或 false（JSON 布尔值）。")

    return LoanTerms(
        mortgage_type=mortgage_type,
        secured_amount=amount if mortgage_type == "general" else None,
        max_secured_amount=amount if mortgage_type == "maximum" else None,
        debt_start=debt_start,
        debt_end=debt_end,
        guarantee_scope=scope,
        transfer_restricted=transfer_restricted,
        loan_contract_no=contract_no,
        debtor_name=str(debtor_name).strip() if debtor_name else None,
    )


def _amount(value: Any, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise field_error(field, "金额须为以元为单位的数字，例如 \"800000.00\"。") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise field_error(field, "金额须大于 0 且不超过 10 亿元。")
    if amount != amount.quantize(Decimal("0.01")):
        raise field_error(field, "金额最多保留两位小数。")
    return amount.quantize(Decimal("0.01"))


def _date(value: Any, *, field: str) -> date:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise field_error(field, "日期须为 YYYY-MM-DD 格式的字符串，例如 \"2026-12-10\"。")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise field_error(field, f"日期 {value} 不存在，请核对。") from None


def _text(value: Any, *, field: str) -> str:
    if not isinstance(value, str):
        raise field_error(field, f"{field} 须为字符串。")
    return value
