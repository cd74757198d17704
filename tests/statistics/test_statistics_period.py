"""Checking the statistics period and the percentile arithmetic, without a database."""

from datetime import date, datetime, timezone

import pytest

from mortgage_cloud.errors import ValidationFailed
from mortgage_cloud.statistics.durations import percentile, summarize
from mortgage_cloud.statistics.period import parse_period

TODAY = date(2026, 6, 30)


def field_of(error: pytest.ExceptionInfo) -> str:
    return error.value.context["field"]


def test_period_defaults_to_30_days():
    period = parse_period(None, None, today=TODAY)
    assert period.first_day == date(2026, 6, 1)
    assert period.last_day == TODAY


def test_period_bounds_in_china_time():
    period = parse_period("2026-03-01", "2026-03-01", today=TODAY)
    assert period.starts_at.astimezone(timezone.utc) == datetime(2026, 2, 28, 16, tzinfo=timezone.utc)
    assert period.ends_before.astimezone(timezone.utc) == datetime(2026, 3, 1, 16, tzinfo=timezone.utc)


def test_period_366_days_allowed():
    assert len(parse_period("2024-01-01", "2024-12-31", today=TODAY).days) == 366


def test_period_367_days_rejected():
    with pytest.raises(ValidationFailed) as error:
        parse_period("2024-01-01", "2025-01-01", today=TODAY)
    assert field_of(error) == "to"
    assert "最长 366 天" in error.value.message


@pytest.mark.parametrize("text", ["2026-13-01", "2026/01/01", "20260101", "2026-1-1", "tomorrow", "2026-02-30"])
def test_period_malformed_from_rejected(text):
    with pytest.raises(ValidationFailed) as error:
        parse_period(text, "2026-03-01", today=TODAY)
    assert field_of(error) == "from"
    assert "开始日期" in error.value.message


def test_period_malformed_to_named():
    with pytest.raises(ValidationFailed) as error:
        parse_period("2026-03-01", "3月1日", today=TODAY)
    assert field_of(error) == "to"
    assert "结束日期" in error.value.message


def test_period_reversed_rejected():
    with pytest.raises(ValidationFailed) as error:
        parse_period("2026-03-02", "2026-03-01", today=TODAY)
    assert field_of(error) == "from"


def test_period_year_one_rejected():
    with pytest.raises(ValidationFailed) as error:
        parse_period("0001-01-01", "2026-01-02", today=TODAY)
    assert field_of(error) == "from"


def test_percentile_even_count_median():
    assert percentile([10, 20, 30, 40], 0.5) == 25


def test_percentile_p95_interpolated():
    assert percentile([10, 20, 30, 40], 0.95) == pytest.approx(38.5)


def test_percentile_single_value():
    assert percentile([7.0], 0.95) == 7.0


def test_summarize_empty():
    assert summarize([]).to_dict() == {"count": 0, "median_seconds": None, "p95_seconds": None}
