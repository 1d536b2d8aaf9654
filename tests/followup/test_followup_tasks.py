"""A follow-up task's life (followup/services/tasks.py): answered from its day on, once; answers
that meet an alert rule reach the doctor's inbox; a photo task takes a stripped photo and refuses
a PDF; each task is reminded once on its day (a revisit reminder is then done), never for an
ended plan; the hourly beat task does the same."""

from datetime import timedelta

import pytest

from followup import tasks as beat
from followup.services import plans, tasks
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tests.factories import create_patient, pdf_bytes, png_bytes
from tests.followup.helpers import (
    CALM,
    START,
    at_noon,
    herbal_plan,
    messages,
    visit_with_prescription,
)

DAY_3 = START + timedelta(days=3)
DAY_7 = START + timedelta(days=7)
DAY_14 = START + timedelta(days=14)


@pytest.fixture
def plan(app):
    with at_noon(START):
        encounter, rx = visit_with_prescription()
        return herbal_plan(encounter, rx)


def test_calm_answers_are_kept_without_an_alert(plan):
    patient = plan.patient.user
    with at_noon(DAY_3):
        reasons = tasks.answer(plan.tasks[0], patient, CALM, "  一切尚好  ")
        db.session.commit()
    task = plan.tasks[0]
    assert reasons == [] and task.status == "done" and task.answers == CALM
    assert task.note == "一切尚好" and not task.alerted
    assert messages(plan.doctor, "followup_alert") == []


def test_worse_symptoms_and_a_reaction_reach_the_doctor(plan):
    with at_noon(DAY_3):
        reasons = tasks.answer(
            plan.tasks[0], plan.patient.user, {**CALM, "symptoms": 5, "reaction": 3}
        )
        db.session.commit()
    assert reasons == ["worse", "reaction"] and plan.tasks[0].alerted
    assert messages(plan.doctor, "followup_alert") == [
        f"随访预警：{plan.patient.legal_name}报告症状加重、用药或治疗后不适。"
    ]


def test_every_unanswered_question_is_named(plan):
    with at_noon(DAY_3), pytest.raises(ValidationError) as refused:
        tasks.answer(plan.tasks[0], plan.patient.user, {"symptoms": 2, "taken": 9})
    assert set(refused.value.fields) == {"taken", "reaction", "stool", "appetite", "sleep"}
    assert plan.tasks[0].status == "pending"


@pytest.mark.parametrize(
    "day, code",
    [(START + timedelta(days=2), "task_not_due")],
    ids=["a task cannot be answered before its day"],
)
def test_a_task_is_answered_from_its_day(plan, day, code):
    with at_noon(day), pytest.raises(ConflictError) as refused:
        tasks.answer(plan.tasks[0], plan.patient.user, CALM)
    assert refused.value.code == code


def test_a_task_is_answered_once_and_not_after_the_plan_ends(plan):
    patient = plan.patient.user
    with at_noon(DAY_7):
        tasks.answer(plan.tasks[0], patient, CALM)
        db.session.commit()
        with pytest.raises(ConflictError):
            tasks.answer(plan.tasks[0], patient, CALM)
        plans.end_plan(plan, plan.doctor)
        db.session.commit()
        with pytest.raises(ConflictError) as refused:
            tasks.answer(plan.tasks[1], patient, CALM)
    assert refused.value.code == "task_closed"


def test_a_photo_task_keeps_a_stripped_photo_and_refuses_a_pdf(plan):
    photo_task = plan.tasks[2]
    with at_noon(DAY_7):
        with pytest.raises(ValidationError) as refused:
            tasks.add_photo(photo_task, plan.patient.user, pdf_bytes())
        assert refused.value.code == "followup_photo_only"
        with pytest.raises(NotFoundError):  # a questionnaire is not a photo task
            tasks.add_photo(plan.tasks[1], plan.patient.user, png_bytes())
        tasks.add_photo(photo_task, plan.patient.user, png_bytes())
        db.session.commit()
    assert photo_task.status == "done" and photo_task.photo.content_type == "image/png"
    assert tasks.read_photo(photo_task.photo).startswith(b"\x89PNG")


def test_someone_elses_task_is_not_found(plan):
    stranger = create_patient(name="李四")
    db.session.commit()
    with pytest.raises(NotFoundError):
        tasks.visible_task(stranger.user, plan.tasks[0].id)


def test_each_task_is_reminded_once_on_its_day_and_a_revisit_is_then_done(plan):
    patient = plan.patient.user
    with at_noon(START + timedelta(days=2)):
        assert tasks.send_due_reminders(START + timedelta(days=2)) == 0
        db.session.commit()  # the beat task works in its own session
    with at_noon(DAY_3):
        assert beat.send_task_reminders() == 1
        assert beat.send_task_reminders() == 0
    with at_noon(DAY_14):
        assert beat.send_task_reminders() == 4  # day 7 (two), day 14 (two)
    assert (
        messages(patient, "followup_questionnaire")
        == [f"{plan.doctor.full_name}医生的随访问卷今天需要填写。"] * 3
    )
    assert len(messages(patient, "followup_tongue_photo")) == 1
    assert messages(patient, "followup_revisit") == [
        f"{plan.doctor.full_name}医生提醒您近期预约复诊。"
    ]
    db.session.refresh(plan)
    assert plan.tasks[4].status == "done" and plan.tasks[0].status == "pending"


def test_an_ended_plan_sends_no_reminder(plan):
    with at_noon(DAY_3):
        plans.end_plan(plan, plan.doctor)
        db.session.commit()
        assert beat.send_task_reminders() == 0
