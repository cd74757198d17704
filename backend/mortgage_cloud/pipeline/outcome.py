"""The state a set of rule findings leads to."""

from mortgage_cloud.applications.states import State
from mortgage_cloud.review.catalogue import Finding, Outcome


def decide(findings: list[Finding], *, passed: State) -> State:
    """Reject on any rejecting finding, else send to manual review on any review finding, else pass."""
    if any(item.outcome == Outcome.REJECT for item in findings):
        return State.REJECTED
    if any(item.outcome == Outcome.REVIEW for item in findings):
        return State.MANUAL_REVIEW
    return passed
