"""治未病 care plans (constitution/services/care_plans.py): enrolment posts to the patient's
inbox; the reassessment reminder goes once per due date however often the task runs (and not
before the date, nor for an ended plan); a new assessment sets the next date a full interval on."""

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

from constitution import tasks
from constitution.models import CarePlan
from constitution.services import assessments, care_plans
from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.inbox import InboxMessage
from tests.constitution.helpers import ccmq, uniform_answers
from tests.factories import create_doctor, create_encounter, create_patient

# Dates are clinic dates: the suite freezes the clinic clock here and counts days from it.
START = date(2026, 3, 2)


@pytest.fixture
def visit(app):
    doctor = create_doctor(username="dr-plan")
    patient = create_patient(sex="female")
    encounter = create_encounter(patient=patient, doctor=doctor)
    db.session.commit()
    return doctor, patient, encounter


def messages(patient, kind) -> list[str]:
    return list(
        db.session.scalars(
            select(InboxMessage.text).where(
                InboxMessage.user_id == patient.user_id, InboxMessage.kind == kind
            )
        )
    )


def at_noon(day: date):
    return time_machine.travel(f"{day.isoformat()}T04:00:00Z", tick=False)  # 12:00 in Shanghai


def test_enrolment_sets_the_first_date_and_tells_the_patient(visit):
    doctor, patient, encounter = visit
    with at_noon(START):
        plan = care_plans.enrol(doctor, encounter, "qixu", "补气健脾，规律作息", 90)
        db.session.commit()
    assert plan.next_due == START + timedelta(days=90)
    assert messages(patient, "constitution_plan") == [
        f"{doctor.full_name} 医生已将您纳入体质调理计划（治未病）；下次体质测评日期：2026-05-31。"
    ]


@pytest.mark.parametrize(
    "constitution, days, code",
    [("xuxu", 90, "constitution_required"), ("qixu", 7, "bad_reassess_days"),
     ("qixu", 400, "bad_reassess_days")],
    ids=["an unknown constitution is refused", "reassessing within a week is refused",
         "reassessing after more than a year is refused"],
)  # fmt: skip
def test_bad_plans_are_refused(visit, constitution, days, code):
    doctor, _patient, encounter = visit
    with pytest.raises(ValidationError) as refused:
        care_plans.enrol(doctor, encounter, constitution, "", days)
    assert refused.value.code == code


def test_the_reminder_goes_once_when_due_and_not_before(visit):
    doctor, patient, encounter = visit
    with at_noon(START):
        care_plans.enrol(doctor, encounter, "qixu", "", 30)
        db.session.commit()
    with at_noon(START + timedelta(days=29)):
        assert tasks.send_reassessment_reminders() == 0
    with at_noon(START + timedelta(days=30)):
        assert tasks.send_reassessment_reminders() == 1
        assert tasks.send_reassessment_reminders() == 0
    with at_noon(START + timedelta(days=31)):
        assert tasks.send_reassessment_reminders() == 0
    assert messages(patient, "constitution_reassess") == [
        "您的体质调理计划到了复测时间，请再做一次体质测评。"
    ]


def test_a_new_assessment_moves_the_next_date_and_rearms_the_reminder(visit):
    doctor, patient, encounter = visit
    with at_noon(START):
        plan = care_plans.enrol(doctor, encounter, "qixu", "", 30)
        db.session.commit()
    with at_noon(START + timedelta(days=30)):
        tasks.send_reassessment_reminders()
    with at_noon(START + timedelta(days=33)):
        draft = assessments.start(patient.user, patient, "ccmq")
        assessments.save_answers(draft, patient.user, uniform_answers(ccmq(), "female", 2), 1)
        assessments.submit(draft, patient.user)
        db.session.commit()
    db.session.refresh(plan)
    assert plan.next_due == START + timedelta(days=63)
    db.session.rollback()  # end the read: the task writes from a session of its own
    with at_noon(START + timedelta(days=63)):
        assert tasks.send_reassessment_reminders() == 1
    assert len(messages(patient, "constitution_reassess")) == 2


def test_an_ended_plan_is_not_reminded_and_cannot_end_twice(visit):
    doctor, _patient, encounter = visit
    with at_noon(START):
        plan = care_plans.enrol(doctor, encounter, "qixu", "", 30)
        care_plans.end(plan, doctor)
        db.session.commit()
    with pytest.raises(ConflictError):
        care_plans.end(plan, doctor)
    db.session.rollback()  # as the refused request does
    with at_noon(START + timedelta(days=40)):
        assert tasks.send_reassessment_reminders() == 0
    assert db.session.get(CarePlan, plan.id).status == "ended"
