"""Alert rules of the follow-up questionnaires (followup/alert_rules.py): the shipped answers
that put a patient at the top of the doctor's list, and rules that do not fit their scale are
refused when the file is read."""

import pytest
import yaml

from followup.alert_rules import alerts_for, parse_alerts
from followup.services.catalogue import DATA
from tcm_app.common.questionnaire import parse_scale

pytestmark = pytest.mark.pure


def shipped(code):
    data = yaml.safe_load((DATA / "scales" / f"{code}.yaml").read_text(encoding="utf-8"))
    scale = parse_scale(data)
    return scale, parse_alerts(data["alerts"], scale)


CALM = {"symptoms": 2, "taken": 1, "reaction": 1, "stool": 1, "appetite": 2, "sleep": 3}


@pytest.mark.parametrize(
    "changed, reasons",
    [
        ({}, []),
        ({"symptoms": 4}, ["worse"]),
        ({"symptoms": 5, "reaction": 3}, ["worse", "reaction"]),
        ({"reaction": 4}, ["reaction", "hospital"]),
        ({"taken": 4}, ["stopped"]),
        ({"taken": 3}, []),
        ({"stool": 3}, ["diarrhoea"]),
        ({"stool": 4}, []),
    ],
    ids=[
        "better, taken, no reaction: no alert",
        "a little worse raises worse",
        "much worse and a clear reaction raise both, in the rules' order",
        "a visit to hospital is a reaction and a hospital visit",
        "stopping the medicine raises stopped",
        "missing doses often is not an alert",
        "diarrhoea raises an alert",
        "constipation is not an alert",
    ],
)
def test_the_medication_questionnaire_alerts_on(changed, reasons):
    _, rules = shipped("medication")
    assert alerts_for(rules, {**CALM, **changed}) == reasons


@pytest.mark.parametrize(
    "answers, reasons",
    [
        ({"symptoms": 2, "local": 1, "general": 1}, []),
        ({"symptoms": 2, "local": 3, "general": 1}, ["local_reaction"]),
        ({"symptoms": 4, "local": 2, "general": 2}, ["worse", "reaction"]),
    ],
    ids=["a calm treatment: no alert", "a clear reaction where treated",
         "worse and dizzy (晕针-like) after it"],
)  # fmt: skip
def test_the_treatment_questionnaire_alerts_on(answers, reasons):
    _, rules = shipped("treatment")
    assert alerts_for(rules, answers) == reasons


@pytest.mark.parametrize(
    "rows, problem",
    [
        ([{"item": "nope", "values": [1], "reason": "worse"}], "unknown_item"),
        ([{"item": "symptoms", "values": [1], "reason": "bored"}], "unknown_reason"),
        ([{"item": "symptoms", "values": [], "reason": "worse"}], "no_values"),
        ([{"item": "taken", "values": [5], "reason": "stopped"}], "value_not_a_choice"),
    ],
    ids=["an item the scale lacks", "a reason without a label", "no values",
         "a value that is not one of the item's choices"],
)  # fmt: skip
def test_a_rule_that_does_not_fit_its_scale_is_refused(rows, problem):
    scale, _ = shipped("medication")
    with pytest.raises(ValueError, match=problem):
        parse_alerts(rows, scale)
