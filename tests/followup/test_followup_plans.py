"""Making a follow-up plan (followup/services/plans.py): from a template or task by task, only
by the visit's own doctor once the visit has begun; the patient is told; refusals name the
field; an ended plan stays ended."""

from datetime import timedelta

import pytest

from followup.plan_rules import TaskSpec
from followup.services import plans
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tests.factories import create_doctor, create_encounter
from tests.followup.helpers import START, at_noon, herbal_plan, messages, visit_with_prescription


def test_a_template_plan_sets_each_task_on_its_day_and_tells_the_patient(app):
    with at_noon(START):
        encounter, rx = visit_with_prescription()
        plan = herbal_plan(encounter, rx)
    assert [(t.kind, t.due_on - START) for t in plan.tasks] == [
        ("questionnaire", timedelta(days=3)),
        ("questionnaire", timedelta(days=7)),
        ("tongue_photo", timedelta(days=7)),
        ("questionnaire", timedelta(days=14)),
        ("revisit", timedelta(days=14)),
    ]
    assert plan.template_code == "herbal_course" and plan.prescription_id == rx.id
    assert plan.tasks[0].scale_code == "medication" and plan.tasks[0].scale_version == "1"
    assert messages(encounter.patient.user, "followup_plan") == [
        f"{encounter.doctor.full_name}医生为您制定了随访计划，第一项任务将于2026-03-05到期。"
    ]


def test_tasks_by_hand_replace_the_template(app):
    with at_noon(START):
        encounter, _ = visit_with_prescription()
        plan = plans.create_plan(
            encounter.doctor, encounter, template_code="herbal_course",
            tasks=[TaskSpec(2, "questionnaire", "treatment"), TaskSpec(30, "revisit")],
            start_on=START,
        )  # fmt: skip
    assert [(t.day, t.kind, t.scale_code) for t in plan.tasks] == [
        (2, "questionnaire", "treatment"), (30, "revisit", None),
    ]  # fmt: skip
    assert plan.template_code is None


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"start_on": START - timedelta(days=8)}, "start_on", "bad_start"),
        ({"start_on": START + timedelta(days=31)}, "start_on", "bad_start"),
        ({"template_code": None}, "tasks", "no_tasks"),
        ({"tasks": [TaskSpec(3, "questionnaire")]}, "tasks", "scale_required"),
        ({"template_code": "weekly_chat"}, "template", "invalid"),
        ({"prescription_id": "other"}, "prescription_id", "not_this_visit"),
    ],
    ids=[
        "a start more than a week back is refused",
        "a start more than a month ahead is refused",
        "no template and no task is refused",
        "a questionnaire row without its questionnaire is refused",
        "an unknown template is refused",
        "a prescription of another visit is refused",
    ],
)
def test_a_plan_that_cannot_be_made_names_the_field(app, change, field, code):
    with at_noon(START):
        encounter, _ = visit_with_prescription()
        _, other_rx = visit_with_prescription()
        values = {"template_code": "herbal_course", "tasks": [], "start_on": START, **change}
        if values.get("prescription_id") == "other":
            values["prescription_id"] = other_rx.id
        with pytest.raises(ValidationError) as refused:
            plans.create_plan(encounter.doctor, encounter, **values)
    assert code in refused.value.fields[field]


def test_only_the_visits_own_doctor_plans_and_only_once_it_has_begun(app):
    with at_noon(START):
        encounter, _ = visit_with_prescription()
        with pytest.raises(NotFoundError):
            herbal_plan_by(create_doctor(username="dr-other"), encounter)
        waiting = create_encounter()
        with pytest.raises(ConflictError) as refused:
            herbal_plan_by(waiting.doctor, waiting)
    assert refused.value.code == "visit_not_held"


def herbal_plan_by(doctor, encounter):
    return plans.create_plan(
        doctor, encounter, template_code="herbal_course", tasks=[], start_on=START
    )


def test_an_ended_plan_cannot_end_again_and_only_its_doctor_ends_it(app):
    with at_noon(START):
        encounter, rx = visit_with_prescription()
        plan = herbal_plan(encounter, rx)
        with pytest.raises(NotFoundError):
            plans.end_plan(plan, create_doctor(username="dr-other"))
        plans.end_plan(plan, encounter.doctor)
        db.session.commit()
        with pytest.raises(ConflictError):
            plans.end_plan(plan, encounter.doctor)
    assert plan.status == "ended" and plan.ended_by_id == encounter.doctor.id


def test_a_plan_is_seen_by_its_doctor_and_patient_only(app):
    with at_noon(START):
        encounter, rx = visit_with_prescription()
        plan = herbal_plan(encounter, rx)
        assert plans.visible_plan(encounter.doctor, plan.id) is plan
        assert plans.visible_plan(encounter.patient.user, plan.id) is plan
        stranger, _ = visit_with_prescription()
        for user in (stranger.doctor, stranger.patient.user):
            with pytest.raises(NotFoundError):
                plans.visible_plan(user, plan.id)
