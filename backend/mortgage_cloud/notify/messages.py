"""The fields of the status message, shaped to WeChat's rules for template and subscribe messages.

Since May 2023 a template field contains at most 20 characters without line breaks, `first` and `remark`
are gone, and a `character_string` field takes no Chinese.
"""

import re
from datetime import datetime, timedelta, timezone

MAX_FIELD_LENGTH = 20
CHINA_TZ = timezone(timedelta(hours=8))
DEFAULT_PAGE = "pages/application/detail?id={application_id}"


def field_text(value: str) -> str:
    """Return the value on one line, cut to 20 characters with an ellipsis when longer."""
    single_line = re.sub(r"\s+", " ", value).strip()
    if len(single_line) <= MAX_FIELD_LENGTH:
        return single_line
    return single_line[: MAX_FIELD_LENGTH - 1] + "…"


def ascii_text(value: str) -> str:
    """Return the value with every non-ASCII character dropped, for `character_string` fields."""
    return field_text("".join(ch for ch in value if ch.isascii() and ch.isprintable()))


def china_time(moment: datetime) -> str:
    """Return the time as Beijing time, `YYYY-MM-DD HH:MM`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def status_fields(*, application_no: str, state_label: str, occurred_at: datetime) -> dict[str, dict[str, str]]:
    """Return the template data: application number, new state, time of the change."""
    return {
        "character_string1": {"value": ascii_text(application_no) or "-"},
        "thing2": {"value": field_text(state_label) or "-"},
        "time3": {"value": china_time(occurred_at)},
    }


def page_for(application_id: str, page: str | None) -> str:
    """Return the mini-program page the message opens."""
    return page or DEFAULT_PAGE.format(application_id=application_id)
