"""Follow-up plan rules (followup/plan_rules.py): which tasks a plan may hold, when each falls
due and how it stands on a day; the shipped templates pass the same rules."""

from datetime import date

import pytest
import yaml

from followup.plan_rules import (
    DONE,
    DUE,
    MAX_TASKS,
    OVERDUE,
    UPCOMING,
    TaskSpec,
    due_on,
    parse_templates,
    plan_problems,
    task_problem,
    task_state,
)
from followup.services.catalogue import DATA, SCALE_CODES

pytestmark = pytest.mark.pure
SCALES = ("medication", "treatment")


@pytest.mark.parametrize(
    "spec, problem",
    [
        (TaskSpec(3, "questionnaire", "medication"), None),
        (TaskSpec(7, "tongue_photo"), None),
        (TaskSpec(365, "revisit"), None),
        (TaskSpec(0, "revisit"), "bad_day"),
        (TaskSpec(366, "revisit"), "bad_day"),
        (TaskSpec(3, "phone_call"), "unknown_kind"),
        (TaskSpec(3, "questionnaire"), "scale_required"),
        (TaskSpec(3, "questionnaire", "ccmq"), "scale_required"),
        (TaskSpec(3, "tongue_photo", "medication"), "scale_not_asked"),
    ],
    ids=[
        "a questionnaire on day 3 with its scale may be planned",
        "a tongue photo may be planned",
        "a revisit reminder a year on may be planned",
        "day 0 is refused: a task falls due after the start",
        "a task past a year is refused",
        "an unknown kind of task is refused",
        "a questionnaire without a scale is refused",
        "a scale this domain does not ship is refused",
        "a photo task with a scale is refused",
    ],
)
def test_a_task_may_be_planned_only_when_whole(spec, problem):
    assert task_problem(spec, SCALES) == problem


@pytest.mark.parametrize(
    "specs, problems",
    [
        ([], {0: "no_tasks"}),
        ([TaskSpec(day, "revisit") for day in range(1, MAX_TASKS + 2)], {0: "too_many_tasks"}),
        ([TaskSpec(7, "revisit"), TaskSpec(7, "revisit")], {0: "task_twice"}),
        ([TaskSpec(3, "revisit"), TaskSpec(0, "revisit")], {2: "bad_day"}),
        ([TaskSpec(7, "tongue_photo"), TaskSpec(7, "questionnaire", "medication")], {}),
    ],
    ids=[
        "a plan without tasks is refused",
        "a plan of more than 20 tasks is refused",
        "the same task twice on a day is refused",
        "a bad row is named by its number",
        "two different tasks on one day are fine",
    ],
)
def test_a_plan_names_each_problem(specs, problems):
    assert plan_problems(specs, SCALES) == problems


@pytest.mark.parametrize(
    "today, done, state",
    [
        (date(2026, 3, 9), False, UPCOMING),
        (date(2026, 3, 10), False, DUE),
        (date(2026, 3, 12), False, DUE),
        (date(2026, 3, 13), False, OVERDUE),
        (date(2026, 3, 30), True, DONE),
    ],
    ids=[
        "before its day a task is upcoming",
        "on its day a task is due",
        "within the 2 days of grace it is still due",
        "the day after the grace it is overdue",
        "a done task stays done however late",
    ],
)
def test_a_task_stands_by_its_due_day_and_the_grace(today, done, state):
    due = due_on(date(2026, 3, 3), TaskSpec(7, "revisit"))
    assert due == date(2026, 3, 10)
    assert task_state(due, done, today, grace_days=2) == state


def test_the_shipped_templates_follow_the_rules():
    rows = yaml.safe_load((DATA / "templates.yaml").read_text(encoding="utf-8"))
    templates = parse_templates(rows, SCALE_CODES)
    herbal = templates["herbal_course"]["tasks"]
    assert [(t.day, t.kind) for t in herbal][:3] == [
        (3, "questionnaire"), (7, "questionnaire"), (7, "tongue_photo"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "rows, message",
    [
        ([], "holds no template"),
        ([{"code": "a", "title": "甲", "tasks": []}], "no_tasks"),
        ([{"code": "a", "title": "甲", "tasks": [{"day": 3, "kind": "questionnaire"}]}],
         "scale_required"),
        ([{"code": "a", "title": "甲", "tasks": [{"day": 1, "kind": "revisit"}]}] * 2, "once each"),
    ],
    ids=["an empty file", "a template without tasks", "a questionnaire without its scale",
         "a code twice"],
)  # fmt: skip
def test_a_bad_template_file_is_refused_naming_the_template(rows, message):
    with pytest.raises(ValueError, match=message):
        parse_templates(rows, SCALES)
