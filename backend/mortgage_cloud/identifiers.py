"""Validators and normalisers for the identifiers the register uses.

Resident ID numbers (GB 11643-1999), unified social credit codes (GB 32100-2015), the 28-character
property unit number (GB/T 37346-2019) and certificate and proof numbers such as
`湘(2026)长沙市不动产证明第0004321号`. Every validator raises `ValidationFailed` naming the field,
with a Chinese message that states what is wrong and what to do.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from mortgage_cloud.errors import ValidationFailed, field_error

CHINA_TZ = timezone(timedelta(hours=8))

# GB/T 2260 province-level codes. 71 is Taiwan. 81, 82 and 83 start the residence permits of
# Hong Kong, Macao and Taiwan residents, which are numbered like resident ID cards.
_PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83",
})


def _canonical_text(value: object, *, field: str, label: str) -> str:
    """Return the value with full-width characters folded to ASCII and every space removed."""
    if not isinstance(value, str):
        raise field_error(field, f"{label}缺失或格式不对，请填写文字形式的{label}。")
    folded = unicodedata.normalize("NFKC", value)
    return "".join(folded.split())


# --- Resident ID numbers (GB 11643-1999) -------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"  # indexed by the weighted sum mod 11 (ISO 7064 MOD 11-2)
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


def id_check_char(first_17: str) -> str:
    """Compute the ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def normalize_id_number(value: object, *, field: str = "id_number") -> str:
    """Validate an 18-character resident ID number and return it in its stored form (upper-case X)."""
    text = _canonical_text(value, field=field, label="身份证号码").upper()
    if not text:
        raise field_error(field, "身份证号码不能为空，请填写18位居民身份证号码。")

    if len(text) == 15 and text.isdigit():
        raise field_error(
            field,
            "这是15位的旧版身份证号码，平台不再受理。请填写第二代居民身份证上的18位号码。",
            code="ID_NUMBER_OUTDATED",
        )
    if len(text) != 18:
        raise field_error(field, f"身份证号码应为18位，收到的是{len(text)}位，请核对后重新填写。")
    if not _ID_PATTERN.match(text):
        raise field_error(field, "身份证号码的前17位应为数字，最后一位为数字或字母X，请核对后重新填写。")
    if text[:2] not in _PROVINCE_CODES:
        raise field_error(field, "身份证号码的前两位不是有效的省级行政区划代码，请核对后重新填写。")

    _birth_date_or_error(text[6:14], field=field)

    if id_check_char(text[:17]) != text[17]:
        raise field_error(field, "身份证号码的校验位不正确，可能有数字填错，请对照身份证逐位核对。")
    return text


def _birth_date_or_error(digits: str, *, field: str) -> date:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise field_error(field, "身份证号码中的出生日期（第7至14位）不是有效日期，请核对后重新填写。") from None
    if born.year < 1900 or born > datetime.now(CHINA_TZ).date():
        raise field_error(field, "身份证号码中的出生日期（第7至14位）不在合理范围内，请核对后重新填写。")
    return born


def is_valid_id_number(value: object) -> bool:
    """Whether the value is a valid 18-character resident ID number (in any accepted spelling)."""
    try:
        normalize_id_number(value)
    except ValidationFailed:
        return False
    return True


def upgrade_15_digit_id(value: str) -> str:
    """Compute the 18-digit form of a 15-digit ID number issued before 1999 (birth years 19xx).

    The result follows the conversion rule only. An issuing office may have given a person a
    different 18-digit number, so the result must never replace the number on the card.
    """
    text = _canonical_text(value, field="id_number", label="身份证号码")
    if len(text) != 15 or not text.isdigit():
        raise field_error("id_number", "只有15位全数字的旧版身份证号码才能换算为18位号码。")
    first_17 = text[:6] + "19" + text[6:]
    return first_17 + id_check_char(first_17)


def id_number_birth_date(id_number: str) -> date:
    """Return the birth date encoded in a valid 18-character ID number."""
    text = normalize_id_number(id_number)
    return date(int(text[6:10]), int(text[10:12]), int(text[12:14]))


def id_number_gender(id_number: str) -> str:
    """Return "male" or "female" from the order code (odd for men, even for women)."""
    text = normalize_id_number(id_number)
    return "male" if int(text[16]) % 2 else "female"


def make_id_number(division_code: str, birth_date: date, order: int) -> str:
    """Build a valid ID number from its parts, for seed data and tests."""
    if not (len(division_code) == 6 and division_code.isdigit()):
        raise ValueError(f"division code must be 6 digits, got {division_code!r}")
    if not 1 <= order <= 999:
        raise ValueError(f"order code must be 1..999, got {order}")
    first_17 = f"{division_code}{birth_date:%Y%m%d}{order:03d}"
    return first_17 + id_check_char(first_17)


# --- Unified social credit codes (GB 32100-2015) ----------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V or Z
_USCC_WEIGHTS = tuple(pow(3, position, 31) for position in range(17))


@dataclass(frozen=True)
class UsccCheck:
    """A well-formed credit code and whether its check character matches.

    Some codes issued in early pilot regions fail the check and are still legal, so a failed check
    needs a person to confirm the code instead of a rejection.
    """

    code: str
    check_char_valid: bool
    expected_check_char: str


def uscc_check_char(first_17: str) -> str:
    """Compute the GB 32100 check character: (31 − Σ cᵢ·wᵢ mod 31) mod 31 with wᵢ = 3^(i−1) mod 31."""
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first_17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(value: object, *, field: str = "uscc") -> UsccCheck:
    """Normalise a unified social credit code, raising on a wrong length or character and flagging a bad check character."""
    text = _canonical_text(value, field=field, label="统一社会信用代码").upper()
    if len(text) != 18:
        raise field_error(field, f"统一社会信用代码应为18位，收到的是{len(text)}位，请对照营业执照核对。")

    wrong = sorted({char for char in text if char not in USCC_ALPHABET})
    if wrong:
        raise field_error(
            field,
            f"统一社会信用代码含有不允许的字符“{''.join(wrong)}”（代码不使用字母I、O、S、V、Z），请对照营业执照核对。",
        )

    expected = uscc_check_char(text[:17])
    return UsccCheck(code=text, check_char_valid=expected == text[17], expected_check_char=expected)


def make_uscc(*, authority: str = "9", kind: str = "1", division_code: str, organisation_code: str) -> str:
    """Build a credit code with a valid check character, for seed data and tests."""
    first_17 = f"{authority}{kind}{division_code}{organisation_code}"
    if len(first_17) != 17 or any(char not in USCC_ALPHABET for char in first_17):
        raise ValueError(f"credit code parts must give 17 characters of the code alphabet, got {first_17!r}")
    return first_17 + uscc_check_char(first_17)


# --- Property unit numbers (GB/T 37346-2019) --------------------------------------------------

# Parcel feature code: the first letter is the land ownership (G state, J collective, Z disputed),
# the second the use right. A (collective ownership parcel) and C (homestead) exist only on
# collective land; H (sea area) and G (uninhabited island) only on state-owned sea.
_USE_RIGHT_LETTERS = "BSXDEFWY"
PARCEL_TYPES = frozenset(
    {owner + right for owner in "GJZ" for right in _USE_RIGHT_LETTERS} | {"JA", "JC", "GH", "GG"}
)
FIXTURE_TYPES = {"F": "房屋等建筑物、构筑物", "L": "森林、林木", "Q": "其他定着物", "W": "无定着物"}
_UNIT_NO_PATTERN = re.compile(r"^(\d{6})(\d{3})(\d{3})([A-Z]{2})(\d{5})([A-Z])(\d{8})$")
_UNIT_NO_HELP = "不动产单元号共28位：6位行政区划代码、6位地籍区和地籍子区、2位宗地特征码、5位宗地顺序号、1位定着物类型、8位定着物单元号。"


@dataclass(frozen=True)
class UnitNoParts:
    """The parts of a 28-character property unit number."""

    unit_no: str
    division_code: str
    zone: str
    subzone: str
    parcel_type: str
    parcel_no: str
    fixture_type: str
    fixture_no: str

    @property
    def is_provisional(self) -> bool:
        """Whether zone and subzone are `000000`, which marks a provisional ("virtual") unit number."""
        return self.zone == "000" and self.subzone == "000"


def parse_unit_no(value: object, *, field: str = "unit_no") -> UnitNoParts:
    """Validate a property unit number and return its parts."""
    text = _canonical_text(value, field=field, label="不动产单元号").upper()
    if len(text) != 28:
        raise field_error(field, f"不动产单元号应为28位，收到的是{len(text)}位。{_UNIT_NO_HELP}")

    match = _UNIT_NO_PATTERN.match(text)
    if match is None:
        raise field_error(field, f"不动产单元号格式不对。{_UNIT_NO_HELP}")
    parts = UnitNoParts(text, *match.groups())

    if parts.division_code[:2] not in _PROVINCE_CODES:
        raise field_error(field, "不动产单元号前6位不是有效的行政区划代码，请核对后重新填写。")
    if parts.parcel_type not in PARCEL_TYPES:
        raise field_error(field, f"不动产单元号第13、14位的宗地特征码“{parts.parcel_type}”无效，请核对后重新填写。")
    if parts.fixture_type not in FIXTURE_TYPES:
        raise field_error(field, f"不动产单元号第20位的定着物类型“{parts.fixture_type}”无效，应为F、L、Q或W。")
    if parts.fixture_type == "W" and parts.fixture_no != "00000000":
        raise field_error(field, "定着物类型为W（无定着物）时，不动产单元号最后8位应为00000000。")
    if parts.fixture_type != "W" and parts.fixture_no == "00000000":
        raise field_error(field, "有定着物的不动产单元号最后8位不能全为0，请核对后重新填写。")
    return parts


def normalize_unit_no(value: object, *, field: str = "unit_no") -> str:
    """Validate a property unit number and return it upper-case without spaces."""
    return parse_unit_no(value, field=field).unit_no


def make_unit_no(
    *, division_code: str, zone: int, subzone: int, parcel_type: str = "GB", parcel_no: int,
    fixture_type: str = "F", building: int = 0, unit_seq: int = 0,
) -> str:
    """Build a property unit number. For F the fixture number is a 4-digit building and a 4-digit unit sequence."""
    fixture_no = "00000000" if fixture_type == "W" else f"{building:04d}{unit_seq:04d}"
    text = f"{division_code}{zone:03d}{subzone:03d}{parcel_type}{parcel_no:05d}{fixture_type}{fixture_no}"
    return parse_unit_no(text).unit_no


# --- Certificate and proof numbers ------------------------------------------------------------

PROVINCE_ABBREVIATIONS = frozenset("京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀黔贵滇云藏陕秦甘陇青宁新")
_REGISTRATION_NO_PATTERN = re.compile(
    r"^(?P<province>[\u4e00-\u9fff])\((?P<year>\d{4})\)(?P<city>[\u4e00-\u9fff]{1,20}?)"
    r"(?P<kind>不动产权|不动产证明)第(?P<number>\d{1,12})号$"
)
_KIND_LABELS = {"certificate": "不动产权证书号", "proof": "不动产登记证明号"}
_KIND_WORDS = {"certificate": "不动产权", "proof": "不动产证明"}


@dataclass(frozen=True)
class RegistrationNo:
    """A parsed certificate or proof number, whose `text` is the normalised form with ASCII brackets."""

    text: str
    kind: str  # "certificate" or "proof"
    province: str
    year: int
    city: str
    number: int


def _parse_registration_no(value: object, *, kind: str, field: str) -> RegistrationNo:
    label = _KIND_LABELS[kind]
    example = format_certificate_no("湘", 2026, "长沙市", 1234) if kind == "certificate" else format_proof_no(
        "湘", 2026, "长沙市", 4321)
    text = _canonical_text(value, field=field, label=label)

    match = _REGISTRATION_NO_PATTERN.match(text)
    if match is None or match["kind"] != _KIND_WORDS[kind]:
        raise field_error(field, f"{label}格式不对，应形如“{example}”，请对照原件核对。")
    if match["province"] not in PROVINCE_ABBREVIATIONS:
        raise field_error(field, f"{label}开头的“{match['province']}”不是省级简称，请对照原件核对。")

    year = int(match["year"])
    if not 2014 <= year <= datetime.now(CHINA_TZ).year + 1:
        raise field_error(field, f"{label}中的年份{year}不在不动产统一登记以来的范围内，请对照原件核对。")
    return RegistrationNo(text=text, kind=kind, province=match["province"], year=year, city=match["city"],
                          number=int(match["number"]))


def normalize_certificate_no(value: object, *, field: str = "certificate_no") -> RegistrationNo:
    """Validate an ownership certificate number such as `湘(2026)长沙市不动产权第0001234号`."""
    return _parse_registration_no(value, kind="certificate", field=field)


def normalize_proof_no(value: object, *, field: str = "proof_no") -> RegistrationNo:
    """Validate a registration proof number such as `湘(2026)长沙市不动产证明第0004321号`."""
    return _parse_registration_no(value, kind="proof", field=field)


def format_certificate_no(province: str, year: int, city: str, number: int) -> str:
    """Format an ownership certificate number with a 7-digit, zero-padded sequence number."""
    return f"{province}({year}){city}不动产权第{number:07d}号"


def format_proof_no(province: str, year: int, city: str, number: int) -> str:
    """Format a registration proof number with a 7-digit, zero-padded sequence number."""
    return f"{province}({year}){city}不动产证明第{number:07d}号"
