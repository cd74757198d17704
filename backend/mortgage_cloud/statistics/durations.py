"""Time per pipeline step, from the timestamps of an application's state-change events.

A step's duration is the time from the event that entered its `from_state` to the event that left
it. Percentiles use linear interpolation between the closest ranks (the "inclusive" method of
Python's `statistics.quantiles`), so the median of an even count is the mean of the middle two.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mortgage_cloud.applications.states import LABELS, State

# The automatic steps in pipeline order, with the names registry staff use for them.
PIPELINE_STEPS: list[tuple[State, State, str]] = [
    (State.SUBMITTED, State.PLATFORM_CHECKED, "平台校验"),
    (State.PLATFORM_CHECKED, State.ACCEPTED, "受理"),
    (State.ACCEPTED, State.REVIEWED, "审核"),
    (State.REVIEWED, State.REGISTERED, "登簿"),
    (State.REGISTERED, State.PROOF_ISSUED, "制证、发证"),
    (State.PROOF_ISSUED, State.ARCHIVED, "归档"),
]

# The states whose exits count as pipeline steps. Events leaving other states (drafting, signing) are ignored.
TIMED_STATES = frozenset({step[0] for step in PIPELINE_STEPS} | {State.MANUAL_REVIEW})

EventRow = tuple[Any, str | None, str, datetime]  # application_id, from_state, to_state, occurred_at


@dataclass(frozen=True)
class Summary:
    count: int
    median_seconds: float | None
    p95_seconds: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "median_seconds": self.median_seconds, "p95_seconds": self.p95_seconds}


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Return the percentile at `fraction` (0 to 1) of ascending values, interpolating between neighbours."""
    position = (len(sorted_values) - 1) * fraction
    lower = math.floor(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * (position - lower)


def summarize(values: list[float]) -> Summary:
    """Return the count, median and 95th percentile of durations in seconds, rounded to milliseconds."""
    if not values:
        return Summary(count=0, median_seconds=None, p95_seconds=None)
    ordered = sorted(values)
    return Summary(count=len(ordered), median_seconds=round(percentile(ordered, 0.5), 3),
                   p95_seconds=round(percentile(ordered, 0.95), 3))


def step_durations(rows: list[EventRow]) -> tuple[dict[tuple[str, str], list[float]], list[float]]:
    """Collect the seconds of each (from_state, to_state) step and of each submit-to-proof span.

    `rows` must be ordered by application and then by event id, which is the order the events happened.
    """
    by_step: dict[tuple[str, str], list[float]] = defaultdict(list)
    submit_to_proof: list[float] = []
    previous: EventRow | None = None
    submitted_at: datetime | None = None

    for row in rows:
        application_id, from_state, to_state, occurred_at = row
        if previous is None or previous[0] != application_id:
            previous, submitted_at = None, None

        if previous is not None and from_state in TIMED_STATES and previous[2] == from_state:
            by_step[(from_state, to_state)].append((occurred_at - previous[3]).total_seconds())
        if to_state == State.SUBMITTED and submitted_at is None:
            submitted_at = occurred_at
        if to_state == State.PROOF_ISSUED and submitted_at is not None:
            submit_to_proof.append((occurred_at - submitted_at).total_seconds())
        previous = row

    return by_step, submit_to_proof


def describe_steps(by_step: dict[tuple[str, str], list[float]]) -> list[dict[str, Any]]:
    """Describe every step: the automatic ones first in pipeline order, then manual review and side exits."""
    named = {(str(source), str(target)): name for source, target, name in PIPELINE_STEPS}
    ordered = [key for key in named if key in by_step]
    others = sorted((key for key in by_step if key not in named), key=lambda key: (-len(by_step[key]), key))

    steps = []
    for key in ordered + others:
        source, target = key
        label = named.get(key) or f"{LABELS[State(source)]} → {LABELS[State(target)]}"
        steps.append({"from_state": source, "to_state": target, "label": label,
                      "automatic": key in named, **summarize(by_step[key]).to_dict()})
    return steps
