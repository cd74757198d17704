from decimal import Decimal

import pytest

from mortgage_cloud.documents.amounts import amount_in_words, format_amount


@pytest.mark.parametrize("amount,words", [
    ("1200000", "人民币壹佰贰拾万元整"),
    ("1000500", "人民币壹佰万零伍佰元整"),
    ("10010", "人民币壹万零壹拾元整"),
    ("101", "人民币壹佰零壹元整"),
    ("120000000", "人民币壹亿贰仟万元整"),
    ("100000000.05", "人民币壹亿元零伍分"),
    ("0.50", "人民币伍角整"),
    ("35.06", "人民币叁拾伍元零陆分"),
    ("0", "人民币零元整"),
])
def test_amount_in_words_cases(amount: str, words: str):
    assert amount_in_words(Decimal(amount)) == words


def test_amount_in_words_negative_rejected():
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1"))


def test_format_amount_thousands():
    assert format_amount(Decimal("1234567.8")) == "1,234,567.80"
