"""Amounts as contracts write them: in figures with thousands separators and in Chinese capital numerals (大写)."""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
GROUP_UNITS = ["", "万", "亿", "万亿"]
MAX_AMOUNT = Decimal("9999999999999999.99")


def format_amount(amount: Decimal) -> str:
    """Return the amount in figures, such as `1,200,000.00`."""
    return f"{_cents(amount) / 100:,.2f}"


def amount_in_words(amount: Decimal) -> str:
    """Return the amount in capital numerals, such as `人民币壹佰贰拾万元整`."""
    cents = _cents(amount)
    if cents < 0:
        raise ValueError(f"amount must not be negative, got {amount}")
    if cents > MAX_AMOUNT * 100:
        raise ValueError(f"amount is too large to write in words: {amount}")

    yuan, fraction = divmod(cents, 100)
    jiao, fen = divmod(fraction, 10)
    words = _integer_words(yuan) + "元" if yuan else ""

    if jiao == 0 and fen == 0:
        return "人民币" + (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    else:
        words += "整"
    return "人民币" + words


def _cents(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _integer_words(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)

    words = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(words)
            continue
        # A zero is read between groups when a group is empty or starts with zeros (壹万零伍佰).
        if words and (pending_zero or group < 1000):
            words += "零"
        words += _group_words(group) + GROUP_UNITS[index]
        pending_zero = False
    return words


def _group_words(group: int) -> str:
    words = ""
    zero = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero = bool(words)
            continue
        if zero:
            words += "零"
            zero = False
        words += DIGITS[digit] + SMALL_UNITS[position]
    return words
