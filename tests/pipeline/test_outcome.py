from mortgage_cloud.applications.states import State
from mortgage_cloud.pipeline.outcome import decide
from mortgage_cloud.review.catalogue import RULES, finding


def test_decide_no_findings_passes():
    assert decide([], passed=State.ACCEPTED) == State.ACCEPTED


def test_decide_objection_goes_to_manual_review():
    assert decide([finding("UNIT_OBJECTION")], passed=State.ACCEPTED) == State.MANUAL_REVIEW


def test_decide_reject_wins_over_review():
    findings = [finding("UNIT_OBJECTION"), finding("UNIT_SEIZED")]
    assert decide(findings, passed=State.ACCEPTED) == State.REJECTED


def test_catalogue_codes_are_upper_snake_case():
    for code in RULES:
        assert code.replace("_", "").isalpha(), code
        assert code.isupper(), code


def test_catalogue_messages_are_chinese():
    for rule in RULES.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.message), rule.code
