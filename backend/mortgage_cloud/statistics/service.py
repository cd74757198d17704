"""Application statistics for a period, for registry staff and for one institution's console.

An application belongs to the period of the day it was submitted (China Standard Time), so drafts
never submitted are not counted. Counts are grouped in SQL, and rule codes and step durations are
computed in Python from the few columns they need.
"""

import logging
from collections import Counter
from typing import Any
from uuid import UUID

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count

from mortgage_cloud.applications.models import Application, ApplicationEvent
from mortgage_cloud.applications.states import State
from mortgage_cloud.banks.models import Institution
from mortgage_cloud.review.catalogue import RULES, Outcome
from mortgage_cloud.statistics.durations import TIMED_STATES, describe_steps, step_durations, summarize
from mortgage_cloud.statistics.period import Period
from mortgage_cloud.statistics.sql import ChinaDate

log = logging.getLogger(__name__)

# A mortgage is disbursed only after its proof is issued, so a disbursed application counts as archived.
ARCHIVED_STATES = (State.ARCHIVED, State.LOAN_DISBURSED)

# Codes that registry staff decisions put on an event, which the rule catalogue does not list.
STAFF_DECISION_CODES = {
    "MANUAL_REVIEW_REJECTED": "登记中心工作人员人工审核后不予登记。",
}


async def application_statistics(period: Period, *, institution_id: UUID | str | None = None) -> dict[str, Any]:
    """Return the volume per day, outcomes, rule codes and step times of applications submitted in the period.

    With `institution_id` only that institution's applications count, which is what a bank's console shows.
    """
    submitted = _submitted_in(period, institution_id)

    volume = await _volume_per_day(period, submitted)
    outcomes = await _outcomes(submitted)
    review_codes, rejection_codes = await _rule_codes(submitted)
    steps, submit_to_proof = await _durations(submitted)

    result = {
        "period": {"from": period.first_day.isoformat(), "to": period.last_day.isoformat(),
                   "days": len(period.days), "timezone": "Asia/Shanghai"},
        "institution_id": None if institution_id is None else str(institution_id),
        "volume": volume,
        "outcomes": outcomes,
        "review_codes": review_codes,
        "rejection_codes": rejection_codes,
        "steps": steps,
        "submit_to_proof": submit_to_proof,
    }
    log.info("statistics computed", extra={"from": result["period"]["from"], "to": result["period"]["to"],
                                           "institution_id": result["institution_id"],
                                           "submitted": outcomes["submitted"]})
    return result


async def institution_volumes(period: Period) -> list[dict[str, Any]]:
    """Return each institution with applications submitted in the period and their count, the busiest first."""
    rows = await (_submitted_in(period, None).annotate(count=Count("id")).group_by("institution_id")
                  .values("institution_id", "count"))
    names = dict(await Institution.filter(id__in=[row["institution_id"] for row in rows]).values_list("id", "name"))
    items = [{"institution_id": str(row["institution_id"]), "name": names.get(row["institution_id"], ""),
              "submitted": row["count"]} for row in rows]
    return sorted(items, key=lambda item: (-item["submitted"], item["name"]))


def _submitted_in(period: Period, institution_id: UUID | str | None):
    query = Application.filter(submitted_at__gte=period.starts_at, submitted_at__lt=period.ends_before)
    if institution_id is not None:
        query = query.filter(institution_id=institution_id)
    return query


async def _volume_per_day(period: Period, submitted) -> list[dict[str, Any]]:
    rows = await submitted.annotate(day=ChinaDate("submitted_at"), count=Count("id")).group_by("day").values(
        "day", "count")
    # PostgreSQL returns a date and SQLite the text 'YYYY-MM-DD'. Both print the same.
    counts = {str(row["day"]): row["count"] for row in rows}
    return [{"date": day.isoformat(), "submitted": counts.get(day.isoformat(), 0)} for day in period.days]


async def _outcomes(submitted) -> dict[str, Any]:
    rows = await submitted.annotate(count=Count("id")).group_by("state").values("state", "count")
    by_state = Counter({str(row["state"]): row["count"] for row in rows})
    reviewed_ids = Subquery(ApplicationEvent.filter(to_state=str(State.MANUAL_REVIEW)).values("application_id"))
    submitted_ids = Subquery(submitted.values("id"))

    total = sum(by_state.values())
    archived = sum(by_state[str(state)] for state in ARCHIVED_STATES)
    archived_after_review = await submitted.filter(state__in=ARCHIVED_STATES, id__in=reviewed_ids).count()
    rejected = by_state[str(State.REJECTED)]
    rejected_by_staff = await ApplicationEvent.filter(
        application_id__in=submitted_ids, from_state=str(State.MANUAL_REVIEW), to_state=str(State.REJECTED)).count()
    decided = archived + rejected
    archived_automatically = archived - archived_after_review
    withdrawn = by_state[str(State.WITHDRAWN)]
    waiting_review = by_state[str(State.MANUAL_REVIEW)]

    return {
        "submitted": total,
        "archived": archived,
        "archived_automatically": archived_automatically,
        "archived_after_review": archived_after_review,
        "rejected": rejected,
        "rejected_automatically": rejected - rejected_by_staff,
        "rejected_by_staff": rejected_by_staff,
        "waiting_review": waiting_review,
        "withdrawn": withdrawn,
        "in_progress": total - decided - waiting_review - withdrawn,
        "decided": decided,
        # Archived with no person involved, out of the applications that reached archived or rejected.
        "automatic_pass_rate": round(archived_automatically / decided, 4) if decided else None,
        "ever_in_review": await submitted.filter(id__in=reviewed_ids).count(),
    }


async def _rule_codes(submitted) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Count the codes that sent applications to manual review and the codes that rejected them."""
    rows = await ApplicationEvent.filter(
        application_id__in=Subquery(submitted.values("id")),
        to_state__in=[str(State.MANUAL_REVIEW), str(State.REJECTED)],
    ).values_list("to_state", "reasons")

    review, rejection = Counter(), Counter()
    for to_state, reasons in rows:
        for reason in reasons or []:
            code, outcome = reason.get("code"), reason.get("outcome")
            if not code:
                continue
            # A rejection event also lists the review findings found alongside, which did not reject.
            if to_state == State.REJECTED and outcome != str(Outcome.REVIEW):
                rejection[code] += 1
            elif to_state == State.MANUAL_REVIEW and outcome != str(Outcome.REJECT):
                review[code] += 1
    return _code_counts(review), _code_counts(rejection)


def _code_counts(counter: Counter) -> list[dict[str, Any]]:
    return [{"code": code, "message": _code_message(code), "count": count}
            for code, count in sorted(counter.items(), key=lambda item: (-item[1], item[0]))]


def _code_message(code: str) -> str:
    rule = RULES.get(code)
    if rule is not None:
        return rule.message
    return STAFF_DECISION_CODES.get(code, code)


async def _durations(submitted) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    timed = [str(state) for state in TIMED_STATES]
    # NOTE: the events come back as rows (about eight per archived application), because neither SQLite nor the ORM
    # offers percentiles, so a year of a busy registry means several hundred thousand small tuples.
    rows = await (ApplicationEvent.filter(Q(from_state__in=timed) | Q(to_state__in=timed),
                                          application_id__in=Subquery(submitted.values("id")))
                  .order_by("application_id", "id").values_list("application_id", "from_state", "to_state",
                                                                "occurred_at"))
    by_step, submit_to_proof = step_durations(rows)
    return describe_steps(by_step), summarize(submit_to_proof).to_dict()
