"""Identifier validators against the standards' own examples and typical mistakes."""

from datetime import date

import pytest

from mortgage_cloud.errors import ValidationFailed
from mortgage_cloud.identifiers import (
    check_uscc,
    format_proof_no,
    id_number_birth_date,
    id_number_gender,
    is_valid_id_number,
    make_id_number,
    make_unit_no,
    make_uscc,
    normalize_certificate_no,
    normalize_id_number,
    normalize_proof_no,
    normalize_unit_no,
    parse_unit_no,
    upgrade_15_digit_id,
)

STANDARD_EXAMPLE = "11010519491231002X"  # the example in GB 11643-1999


def test_id_number_standard_example_valid():
    assert normalize_id_number(STANDARD_EXAMPLE) == STANDARD_EXAMPLE


def test_id_number_lower_case_x_upper_cased():
    assert normalize_id_number("11010519491231002x") == STANDARD_EXAMPLE


def test_id_number_full_width_and_spaces_folded():
    assert normalize_id_number(" １１０１０５ １９４９１２３１００２Ｘ ") == STANDARD_EXAMPLE


def test_id_number_helpers_read_birth_and_gender():
    assert id_number_birth_date(STANDARD_EXAMPLE) == date(1949, 12, 31)
    assert id_number_gender(STANDARD_EXAMPLE) == "female"


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("110105491231002", "ID_NUMBER_OUTDATED", "18位"),
        ("110105194912310021", "VALIDATION_FAILED", "校验位"),
        ("110105194902300026", "VALIDATION_FAILED", "出生日期"),
        ("110105209912310027", "VALIDATION_FAILED", "出生日期"),
        ("11010519491231002", "VALIDATION_FAILED", "18位"),
        ("11010519491231002Y", "VALIDATION_FAILED", "字母X"),
        ("990105194912310024", "VALIDATION_FAILED", "行政区划"),
        ("", "VALIDATION_FAILED", "不能为空"),
    ],
)
def test_id_number_invalid_rejected(value, code, fragment):
    with pytest.raises(ValidationFailed) as raised:
        normalize_id_number(value, field="mortgagor.id_number")
    assert raised.value.code == code
    assert fragment in raised.value.message
    assert raised.value.context["field"] == "mortgagor.id_number"


def test_id_number_not_text_rejected():
    with pytest.raises(ValidationFailed):
        normalize_id_number(110105194912310021)


def test_id_number_is_valid_boolean():
    assert is_valid_id_number(STANDARD_EXAMPLE)
    assert not is_valid_id_number("110105194912310021")


def test_id_number_make_round_trips():
    created = make_id_number("430104", date(1988, 2, 29), 37)
    assert normalize_id_number(created) == created
    assert id_number_gender(created) == "male"


def test_id_number_upgrade_15_digit():
    assert upgrade_15_digit_id("110105491231002") == STANDARD_EXAMPLE


def test_uscc_published_code_valid():
    check = check_uscc("91350100M000100Y43")
    assert check.code == "91350100M000100Y43"
    assert check.check_char_valid


def test_uscc_wrong_check_char_is_warning():
    check = check_uscc("91350100m000100y44")
    assert check.code == "91350100M000100Y44"
    assert not check.check_char_valid
    assert check.expected_check_char == "3"


@pytest.mark.parametrize(("value", "fragment"), [("91350100M000100Y4", "18位"), ("91350100M000100O43", "“O”")])
def test_uscc_malformed_rejected(value, fragment):
    with pytest.raises(ValidationFailed) as raised:
        check_uscc(value, field="mortgagee_uscc")
    assert fragment in raised.value.message
    assert raised.value.context["field"] == "mortgagee_uscc"


def test_uscc_make_gives_valid_check_char():
    assert check_uscc(make_uscc(division_code="430100", organisation_code="MA4L00001")).check_char_valid


@pytest.mark.parametrize("value", ["370105012002GB00001F00010751", "320802001009GB00001W00000000"])
def test_unit_no_published_examples_valid(value):
    assert normalize_unit_no(value) == value


def test_unit_no_lower_case_and_spaces_normalised():
    assert normalize_unit_no(" 370105012002gb00001f00010751 ") == "370105012002GB00001F00010751"


def test_unit_no_parsed_into_parts():
    parts = parse_unit_no("370105012002GB00001F00010751")
    assert (parts.division_code, parts.zone, parts.subzone) == ("370105", "012", "002")
    assert (parts.parcel_type, parts.parcel_no) == ("GB", "00001")
    assert (parts.fixture_type, parts.fixture_no) == ("F", "00010751")
    assert not parts.is_provisional


def test_unit_no_provisional_zone_flagged():
    assert parse_unit_no("430104000000GB00001F00010001").is_provisional


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("370105012002GB00001F0001075", "28位"),
        ("370105012002GB00001F0001075X", "格式不对"),
        ("370105012002GC00001F00010751", "宗地特征码"),
        ("370105012002JH00001F00010751", "宗地特征码"),
        ("370105012002GB00001K00010751", "定着物类型"),
        ("320802001009GB00001W00000001", "00000000"),
        ("320802001009GB00001F00000000", "不能全为0"),
        ("990105012002GB00001F00010751", "行政区划"),
    ],
)
def test_unit_no_malformed_rejected(value, fragment):
    with pytest.raises(ValidationFailed) as raised:
        normalize_unit_no(value)
    assert fragment in raised.value.message


def test_unit_no_make_round_trips():
    created = make_unit_no(division_code="430104", zone=3, subzone=7, parcel_no=42, building=12, unit_seq=5)
    assert created == "430104003007GB00042F00120005"


def test_certificate_no_full_width_brackets_normalised():
    parsed = normalize_certificate_no("湘（2026）长沙市不动产权第0001234号")
    assert parsed.text == "湘(2026)长沙市不动产权第0001234号"
    assert (parsed.province, parsed.year, parsed.city, parsed.number) == ("湘", 2026, "长沙市", 1234)


def test_proof_no_parsed():
    parsed = normalize_proof_no("湘(2026)长沙市不动产证明第0004321号")
    assert (parsed.kind, parsed.city, parsed.number) == ("proof", "长沙市", 4321)


def test_proof_no_format_pads_seven_digits():
    assert format_proof_no("湘", 2026, "浏阳市", 12) == "湘(2026)浏阳市不动产证明第0000012号"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("湘(2026)长沙市不动产权第0001234号", "格式不对"),
        ("A(2026)长沙市不动产证明第0004321号", "格式不对"),
        ("中(2026)长沙市不动产证明第0004321号", "省级简称"),
        ("湘(2009)长沙市不动产证明第0004321号", "年份"),
        ("湘(2026)长沙市不动产证明第号", "格式不对"),
    ],
)
def test_proof_no_malformed_rejected(value, fragment):
    with pytest.raises(ValidationFailed) as raised:
        normalize_proof_no(value)
    assert fragment in raised.value.message
