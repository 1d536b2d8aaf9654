"""The pure catalogue and screening rules: what makes a therapy row usable (the data file and the
admin's edit share them), and how contraindication answers become clear, flag or block."""

from decimal import Decimal

import pytest

from treatments.catalogue import therapy_problems, therapy_row
from treatments.screening import QUESTIONS, Outcome, Severity, questions_for, screen

GOOD = {
    "code": "cupping",
    "name": "拔罐",
    "name_en": "Cupping",
    "minutes": 20,
    "resource_kind": "bed",
    "equipment": [],
    "qualification": "cupping",
    "price": "40.00",
    "contraindications": {"bleeding_risk": "block", "pregnant": "flag", "menstruating": "flag"},
    "source": "GB/T 21709.5",
}


def test_a_complete_row_has_no_problems():
    assert therapy_problems(GOOD) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        pytest.param({"minutes": 7}, "bad_minutes", id="minutes-must-be-whole-ticks"),
        pytest.param({"minutes": 0}, "missing_minutes", id="zero-minutes-is-missing"),
        pytest.param({"minutes": 245}, "bad_minutes", id="at-most-240-minutes"),
        pytest.param({"minutes": 3}, "bad_minutes", id="at-least-5-minutes"),
        pytest.param({"minutes": "20"}, "bad_minutes", id="minutes-are-a-whole-number"),
        pytest.param({"minutes": 20.0}, "bad_minutes", id="minutes-are-not-a-float"),
        pytest.param({"code": ""}, "missing_code", id="a-row-needs-a-code"),
        pytest.param({"code": "Cupping!"}, "bad_code", id="codes-are-lower-case-ascii"),
        pytest.param({"code": "9cups"}, "bad_code", id="codes-start-with-a-letter"),
        pytest.param({"name": ""}, "missing_name", id="a-row-needs-a-name"),
        pytest.param({"resource_kind": "chair"}, "bad_resource_kind", id="a-bed-or-a-room"),
        pytest.param({"qualification": ""}, "missing_qualification", id="a-qualification"),
        pytest.param({"price": "-1"}, "bad_price", id="a-price-is-not-negative"),
        pytest.param({"price": "1.234"}, "bad_price", id="a-price-has-at-most-two-decimals"),
        pytest.param({"price": "abc"}, "bad_price", id="a-price-is-a-number"),
        pytest.param({"price": "NaN"}, "bad_price", id="a-price-is-finite"),
        pytest.param({"price": None}, "bad_price", id="a-price-is-required"),
        pytest.param(
            {"contraindications": {"astrology": "block"}},
            "bad_contraindications",
            id="only-known-questions",
        ),
        pytest.param(
            {"contraindications": {"pregnant": "maybe"}},
            "bad_contraindications",
            id="a-severity-is-flag-or-block",
        ),
        pytest.param(
            {"contraindications": ["pregnant"]},
            "bad_contraindications",
            id="contraindications-are-a-mapping",
        ),
    ],
)
def test_a_bad_row_names_its_problem(changes, problem):
    assert problem in therapy_problems({**GOOD, **changes})


@pytest.mark.parametrize(
    "minutes",
    [pytest.param(5, id="5-minutes-is-the-shortest"), pytest.param(240, id="240-the-longest")],
)
def test_the_bounds_of_minutes_are_allowed(minutes):
    assert therapy_problems({**GOOD, "minutes": minutes}) == []


def test_a_row_becomes_a_value_with_a_decimal_price():
    row = therapy_row({**GOOD, "price": 40, "equipment": ["tdp_lamp"]})
    assert row.price == Decimal("40") and row.equipment == ("tdp_lamp",)
    assert row.contraindications == GOOD["contraindications"]


def test_the_english_name_falls_back_to_the_name():
    assert therapy_row({**GOOD, "name_en": ""}).name_en == "拔罐"


def test_a_bad_row_raises_naming_its_problems():
    with pytest.raises(ValueError, match="bad_minutes"):
        therapy_row({**GOOD, "minutes": 7})


# --- screening ---------------------------------------------------------------------------------

RULES = {"bleeding_risk": "block", "pregnant": "flag", "menstruating": "flag"}
ALL_NO = {"bleeding_risk": False, "pregnant": False, "menstruating": False}


@pytest.mark.parametrize(
    ("stage", "asked"),
    [
        pytest.param("booking", ["pregnant", "bleeding_risk"], id="booking-skips-on-the-day"),
        pytest.param(
            "check_in",
            ["pregnant", "bleeding_risk", "menstruating"],
            id="on-the-day-questions-are-asked-only-at-check-in",
        ),
    ],
)
def test_questions_for_a_stage(stage, asked):
    assert questions_for(RULES, stage) == asked


def test_questions_come_in_the_fixed_order_whatever_the_rule_order():
    every = {q.code: "flag" for q in reversed(QUESTIONS)}
    assert questions_for(every, "check_in") == [q.code for q in QUESTIONS]


def test_a_therapy_without_contraindications_asks_nothing():
    assert questions_for({}, "check_in") == []
    assert screen({}, {}, "booking").outcome is Outcome.CLEAR


@pytest.mark.parametrize(
    ("answers", "stage", "outcome"),
    [
        pytest.param(ALL_NO, "check_in", Outcome.CLEAR, id="all-no-is-clear"),
        pytest.param(
            {**ALL_NO, "bleeding_risk": True},
            "booking",
            Outcome.BLOCK,
            id="a-yes-to-a-blocking-question-blocks",
        ),
        pytest.param(
            {**ALL_NO, "pregnant": True}, "booking", Outcome.FLAG, id="a-yes-to-a-flag-flags"
        ),
        pytest.param(
            {**ALL_NO, "pregnant": True, "bleeding_risk": True},
            "booking",
            Outcome.BLOCK,
            id="a-block-wins-over-a-flag",
        ),
        pytest.param(
            {**ALL_NO, "menstruating": True},
            "booking",
            Outcome.CLEAR,
            id="an-on-the-day-yes-does-not-count-at-booking",
        ),
        pytest.param(
            {**ALL_NO, "menstruating": True},
            "check_in",
            Outcome.FLAG,
            id="an-on-the-day-yes-counts-at-check-in",
        ),
        pytest.param(
            {**ALL_NO, "pacemaker": True},
            "booking",
            Outcome.CLEAR,
            id="a-yes-to-a-question-the-therapy-does-not-ask-is-ignored",
        ),
    ],
)
def test_screening_outcomes(answers, stage, outcome):
    assert screen(RULES, answers, stage).outcome is outcome


def test_findings_name_the_question_and_its_severity():
    result = screen(RULES, {**ALL_NO, "bleeding_risk": True, "pregnant": True}, "booking")
    assert result.blocked
    assert {(f.question, f.severity) for f in result.findings} == {
        ("bleeding_risk", Severity.BLOCK),
        ("pregnant", Severity.FLAG),
    }


@pytest.mark.parametrize(
    ("answers", "stage", "unanswered"),
    [
        pytest.param({}, "booking", ("pregnant", "bleeding_risk"), id="nothing-answered"),
        pytest.param(
            {"pregnant": False, "bleeding_risk": None},
            "booking",
            ("bleeding_risk",),
            id="none-is-unanswered-false-is-an-answer",
        ),
        pytest.param(
            {"pregnant": False, "bleeding_risk": False},
            "check_in",
            ("menstruating",),
            id="check-in-also-wants-the-on-the-day-answers",
        ),
    ],
)
def test_unanswered_questions_are_listed(answers, stage, unanswered):
    result = screen(RULES, answers, stage)
    assert result.unanswered == unanswered
    assert result.outcome is Outcome.CLEAR
