"""The outcome the register implies for each demo case, worked out from the raw register rows.

This deliberately does not call the pipeline's rule code, so that a wrong rule shows up as a
difference between the expected and the actual outcome.
"""

from dataclasses import dataclass, field

HARD_BLOCKS = {"seizure": "UNIT_SEIZED", "pre_seizure": "UNIT_PRE_SEIZED", "registry_lock": "UNIT_LOCKED"}


@dataclass(frozen=True)
class Expected:
    state: str
    codes: tuple[str, ...] = field(default_factory=tuple)


def expected_from_register(*, restriction_kinds: list[str], advance_notice_holders_are_mortgagors: bool) -> Expected:
    """Return the outcome a clean application on a unit with these restrictions must reach."""
    codes = sorted(HARD_BLOCKS[kind] for kind in set(restriction_kinds) if kind in HARD_BLOCKS)
    if "advance_notice" in restriction_kinds and not advance_notice_holders_are_mortgagors:
        codes.append("ADVANCE_NOTICE_HELD_BY_OTHER")
    if codes:
        return Expected("rejected", tuple(sorted(codes)))
    if "objection" in restriction_kinds:
        return Expected("manual_review", ("UNIT_OBJECTION",))
    return Expected("archived")


def matches(expected: Expected, *, state: str, codes: list[str]) -> bool:
    """Return whether the actual state is the expected one and carries every expected rule code."""
    return state == expected.state and set(expected.codes) <= set(codes)
