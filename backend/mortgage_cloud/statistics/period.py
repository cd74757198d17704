"""The date range a statistics request covers, in China Standard Time, checked and capped."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from mortgage_cloud.errors import field_error
from mortgage_cloud.identifiers import CHINA_TZ

MAX_DAYS = 366
DEFAULT_DAYS = 30
# Dates outside these years are taken as typing errors, and year 1 would overflow when converted to UTC.
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    """Whole days from `first_day` to `last_day` inclusive, as China Standard Time (UTC+8) calendar days."""

    first_day: date
    last_day: date

    # Both bounds are in UTC, because SQLite compares the stored ISO 8601 text and not the instant.

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=CHINA_TZ).astimezone(timezone.utc)

    @property
    def ends_before(self) -> datetime:
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=CHINA_TZ).astimezone(timezone.utc)

    @property
    def days(self) -> list[date]:
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=offset) for offset in range(count)]


def parse_period(date_from: object, date_to: object, *, today: date | None = None) -> Period:
    """Check the `from` and `to` dates (YYYY-MM-DD, inclusive) and return the period.

    A missing `to` means today and a missing `from` means the 30 days up to `to`. The range may
    span at most 366 days, so one request never scans more than a year of applications.
    """
    today = today or datetime.now(CHINA_TZ).date()
    last_day = _parse_day(date_to, field="to", label="结束日期") if date_to else today
    first_day = (_parse_day(date_from, field="from", label="开始日期") if date_from
                 else last_day - timedelta(days=DEFAULT_DAYS - 1))

    if first_day > last_day:
        raise field_error("from", f"开始日期 {first_day} 晚于结束日期 {last_day}，请调换或重新选择。")
    span = (last_day - first_day).days + 1
    if span > MAX_DAYS:
        raise field_error("to", f"统计区间为 {span} 天，最长 {MAX_DAYS} 天，请缩短开始日期至结束日期的范围。")
    return Period(first_day=first_day, last_day=last_day)


def _parse_day(value: object, *, field: str, label: str) -> date:
    text = str(value).strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise field_error(field, f"{label}（{field}）格式有误，应为 YYYY-MM-DD，例如 2026-01-31。") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise field_error(field, f"{label}（{field}）须在 {MIN_YEAR} 年至 {MAX_YEAR} 年之间。")
    return day
