from datetime import date, timedelta
from decimal import Decimal

import pytest

from mortgage_cloud.applications.loan import DEFAULT_GUARANTEE_SCOPE, parse_loan_terms
from mortgage_cloud.errors import ValidationFailed

VALID = {
    "mortgage_type": "general",
    "secured_amount": "800000.00",
    "debt_start": (date.today() + timedelta(days=5)).isoformat(),
    "debt_end": (date.today() + timedelta(days=5 + 30 * 365)).isoformat(),
    "loan_contract_no": "HT-2026-000123",
}


def test_loan_terms_valid_general_mortgage():
    terms = parse_loan_terms(VALID)
    assert terms.secured_amount == Decimal("800000.00")
    assert terms.max_secured_amount is None
    assert terms.guarantee_scope == DEFAULT_GUARANTEE_SCOPE


def test_loan_terms_maximum_mortgage_reads_max_amount():
    terms = parse_loan_terms({**VALID, "mortgage_type": "maximum", "max_secured_amount": "1200000"})
    assert terms.max_secured_amount == Decimal("1200000.00")
    assert terms.secured_amount is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mortgage_type": "pledge"}, "mortgage_type"),
        ({"secured_amount": "-5"}, "secured_amount"),
        ({"secured_amount": "abc"}, "secured_amount"),
        ({"secured_amount": "10.001"}, "secured_amount"),
        ({"secured_amount": "NaN"}, "secured_amount"),
        ({"debt_start": "2026/12/10"}, "debt_start"),
        ({"debt_end": date.today().isoformat()}, "debt_end"),
        ({"debt_start": "0001-01-01"}, "debt_start"),
        ({"debt_start": 20261210}, "debt_start"),
        ({"debt_end": "9999-12-31"}, "debt_end"),
        ({"debt_start": "2026-02-30"}, "debt_start"),
        ({"transfer_restricted": "false"}, "transfer_restricted"),
        ({"guarantee_scope": {"a": 1}}, "guarantee_scope"),
        ({"debtor_name": ["x"]}, "debtor_name"),
        ({"loan_contract_no": 12345678}, "loan_contract_no"),
        ({"loan_contract_no": "合同"}, "loan_contract_no"),
        ({"guarantee_scope": "范" * 501}, "guarantee_scope"),
    ],
)
def test_loan_terms_bad_field_named(change, field):
    with pytest.raises(ValidationFailed) as raised:
        parse_loan_terms({**VALID, **change})
    assert raised.value.context["field"] == field


def test_loan_terms_error_message_is_chinese():
    with pytest.raises(ValidationFailed) as raised:
        parse_loan_terms({**VALID, "secured_amount": "0"})
    assert "金额" in raised.value.message
