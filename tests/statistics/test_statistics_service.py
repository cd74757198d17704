"""The statistics service on stored applications and events: volume, outcomes, rule codes and step times."""

from datetime import date

import pytest
from statistics_support import (
    CHAIN_BROKEN,
    OBJECTION,
    SEIZED,
    STAFF_REJECTED,
    automatic,
    china_time,
    new_institution,
    store_application,
)

from mortgage_cloud.statistics.period import Period
from mortgage_cloud.statistics.service import application_statistics

FIRST, SECOND, THIRD = date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)
PERIOD = Period(first_day=FIRST, last_day=THIRD)
APPROVED = [{"code": "MANUAL_REVIEW_APPROVED", "message": "异议已核实"}]


@pytest.fixture(scope="module")
async def stored(runtime):
    """One institution's applications around 1 to 3 March 2025, and their statistics for those days."""
    institution = await new_institution()
    other = await new_institution()

    # In the period: two automatic archives, one archive after review, one automatic and one staff
    # rejection, one waiting in review, one withdrawn, one still in the pipeline.
    await store_application(institution, submitted_at=china_time(FIRST, 10), steps=automatic(2, 3, 1, 4, 10, 2))
    # 07:00 in China is still 1 March in UTC, so this one tests the day boundary.
    await store_application(institution, submitted_at=china_time(SECOND, 7), steps=automatic(4, 5, 3, 6, 20, 2))
    await store_application(institution, submitted_at=china_time(SECOND, 12), steps=[
        ("manual_review", 1, [OBJECTION]), ("platform_checked", 600, APPROVED), *automatic(3, 1, 4, 10, 2)],
        actors={"platform_checked": "staff:reviewer"})
    await store_application(institution, submitted_at=china_time(THIRD, 9), steps=[
        ("platform_checked", 2, []), ("rejected", 3, [SEIZED, OBJECTION])])
    await store_application(institution, submitted_at=china_time(THIRD, 10), steps=[
        ("manual_review", 1, [OBJECTION]), ("rejected", 300, [STAFF_REJECTED])])
    await store_application(institution, submitted_at=china_time(THIRD, 23, 59), steps=[
        ("platform_checked", 2, []), ("accepted", 3, []), ("manual_review", 1, [CHAIN_BROKEN])])
    await store_application(institution, submitted_at=china_time(FIRST, 11), steps=[("withdrawn", 50, [])])
    await store_application(institution, submitted_at=china_time(SECOND, 15), steps=[("platform_checked", 2, [])])

    # Outside the period, a draft never submitted, and another institution's application.
    await store_application(institution, submitted_at=china_time(date(2025, 2, 28), 23, 59),
                            steps=automatic(1, 1, 1, 1, 1, 1))
    await store_application(institution, submitted_at=china_time(date(2025, 3, 4), 0), steps=automatic(1, 1, 1, 1, 1, 1))
    await store_application(institution, submitted_at=None, steps=[])
    await store_application(other, submitted_at=china_time(SECOND, 9), steps=automatic(1, 1, 1, 1, 1, 1))

    return await application_statistics(PERIOD, institution_id=institution.id)


def step(result: dict, from_state: str, to_state: str) -> dict:
    return next(item for item in result["steps"] if (item["from_state"], item["to_state"]) == (from_state, to_state))


async def test_statistics_volume_per_china_day(stored):
    assert stored["volume"] == [{"date": "2025-03-01", "submitted": 2}, {"date": "2025-03-02", "submitted": 3},
                                {"date": "2025-03-03", "submitted": 3}]


async def test_statistics_volume_zero_days_filled(runtime):
    institution = await new_institution()
    await store_application(institution, submitted_at=china_time(THIRD, 8), steps=[])
    result = await application_statistics(PERIOD, institution_id=institution.id)
    assert [day["submitted"] for day in result["volume"]] == [0, 0, 1]


async def test_statistics_submitted_count(stored):
    assert stored["outcomes"]["submitted"] == 8


async def test_statistics_archived_split(stored):
    outcomes = stored["outcomes"]
    assert outcomes["archived"] == 3
    assert outcomes["archived_automatically"] == 2
    assert outcomes["archived_after_review"] == 1


async def test_statistics_rejected_split(stored):
    outcomes = stored["outcomes"]
    assert outcomes["rejected"] == 2
    assert outcomes["rejected_automatically"] == 1
    assert outcomes["rejected_by_staff"] == 1


async def test_statistics_other_outcomes(stored):
    outcomes = stored["outcomes"]
    assert outcomes["waiting_review"] == 1
    assert outcomes["withdrawn"] == 1
    assert outcomes["in_progress"] == 1
    assert outcomes["ever_in_review"] == 3


async def test_statistics_automatic_pass_rate(stored):
    assert stored["outcomes"]["decided"] == 5
    assert stored["outcomes"]["automatic_pass_rate"] == 0.4


async def test_statistics_pass_rate_none_without_decisions(runtime):
    result = await application_statistics(PERIOD, institution_id=(await new_institution()).id)
    assert result["outcomes"]["automatic_pass_rate"] is None


async def test_statistics_review_codes(stored):
    assert [(item["code"], item["count"]) for item in stored["review_codes"]] == [
        ("UNIT_OBJECTION", 2), ("REGISTER_CHAIN_BROKEN", 1)]


async def test_statistics_review_code_message_chinese(stored):
    assert stored["review_codes"][0]["message"] == "该不动产存在异议登记，需转人工审核。"


async def test_statistics_rejection_codes_skip_review_findings(stored):
    assert [(item["code"], item["count"]) for item in stored["rejection_codes"]] == [
        ("MANUAL_REVIEW_REJECTED", 1), ("UNIT_SEIZED", 1)]


async def test_statistics_staff_rejection_message(stored):
    assert stored["rejection_codes"][0]["message"] == "登记中心工作人员人工审核后不予登记。"


async def test_statistics_automatic_steps_first_in_order(stored):
    assert [item["label"] for item in stored["steps"][:6]] == ["平台校验", "受理", "审核", "登簿", "制证、发证", "归档"]


async def test_statistics_platform_check_median_and_p95(stored):
    summary = step(stored, "submitted", "platform_checked")
    assert summary["count"] == 5
    assert summary["median_seconds"] == 2.0
    assert summary["p95_seconds"] == 3.6


async def test_statistics_acceptance_after_review_counted(stored):
    # The application approved by staff is accepted 3 seconds after leaving manual review.
    summary = step(stored, "platform_checked", "accepted")
    assert summary["count"] == 4
    assert summary["median_seconds"] == 3.0
    assert summary["p95_seconds"] == 4.7


async def test_statistics_proof_step_interpolated(stored):
    summary = step(stored, "registered", "proof_issued")
    assert summary["median_seconds"] == 10.0
    assert summary["p95_seconds"] == 19.0


async def test_statistics_manual_review_wait(stored):
    summary = step(stored, "manual_review", "platform_checked")
    assert summary["count"] == 1
    assert summary["median_seconds"] == 600.0
    assert summary["label"] == "转人工审核 → 平台校验通过"


async def test_statistics_side_exits_listed(stored):
    pairs = {(item["from_state"], item["to_state"]) for item in stored["steps"]}
    assert ("submitted", "manual_review") in pairs
    assert ("platform_checked", "rejected") in pairs
    assert ("submitted", "withdrawn") in pairs


async def test_statistics_drafting_not_timed(stored):
    assert all(item["from_state"] not in ("draft", "signed") for item in stored["steps"])


async def test_statistics_submit_to_proof(stored):
    assert stored["submit_to_proof"] == {"count": 3, "median_seconds": 38.0, "p95_seconds": 560.9}


async def test_statistics_without_institution_includes_all(stored, runtime):
    result = await application_statistics(PERIOD)
    assert result["outcomes"]["submitted"] >= 9
