"""The doctor's follow-up list (followup/services/worklist.py): plans with an alert not yet
handled come first, then the most overdue, then by the next date; recording a contact handles
the alerts raised so far (a later alert shows again); a contact needs its channel and a note."""

from datetime import timedelta

import pytest

from followup.services import plans, tasks, worklist
from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.extensions import db
from tests.factories import create_patient, create_prescribable_encounter
from tests.followup.helpers import CALM, START, at_noon, herbal_plan

DAY_3, DAY_8 = START + timedelta(days=3), START + timedelta(days=8)


def plan_for(doctor, name, start=START):
    encounter = create_prescribable_encounter(patient=create_patient(name=name), doctor=doctor)
    return herbal_plan(encounter, start=start)


def test_alerts_first_then_overdue_then_the_next_date(app):
    with at_noon(START):
        first = plan_for(None, "甲")
        doctor = first.doctor
        calm = plan_for(doctor, "乙", start=START + timedelta(days=4))
        alerted = plan_for(doctor, "丙")
        overdue = plan_for(doctor, "丁")
    with at_noon(DAY_3):
        tasks.answer(alerted.tasks[0], alerted.patient.user, {**CALM, "symptoms": 4})
        tasks.answer(first.tasks[0], first.patient.user, CALM)
        db.session.commit()
    with at_noon(DAY_8):
        rows = worklist.worklist(doctor, DAY_8)
    names = [row.plan.patient.legal_name for row in rows]
    assert names == ["丙", "丁", "甲", "乙"]
    by_name = dict(zip(names, rows, strict=True))
    assert [t.alerts for t in by_name["丙"].alerts] == [["worse"]]
    assert by_name["丁"].plan is overdue and len(by_name["丁"].overdue) == 1  # day 3, past grace
    assert by_name["甲"].overdue == [] and by_name["甲"].next_due == START + timedelta(days=7)
    assert by_name["乙"].plan is calm and by_name["乙"].overdue == []  # due, still in its grace
    assert worklist.alert_count(doctor) == 1


def test_a_contact_handles_the_alerts_raised_before_it(app):
    with at_noon(START):
        plan = plan_for(None, "丙")
    with at_noon(DAY_3):
        tasks.answer(plan.tasks[0], plan.patient.user, {**CALM, "reaction": 3})
        db.session.commit()
        worklist.record_contact(plan, plan.doctor, "phone", "电话随访：嘱减量，三日后复评")
        db.session.commit()
        assert worklist.plan_row(plan, DAY_3).alerts == []
        assert worklist.alert_count(plan.doctor) == 0
    with at_noon(START + timedelta(days=7)):
        tasks.answer(plan.tasks[1], plan.patient.user, {**CALM, "stool": 3})
        db.session.commit()
        row = worklist.plan_row(plan, START + timedelta(days=7))
    assert [t.alerts for t in row.alerts] == [["diarrhoea"]]
    assert [c.note for c in worklist.contacts_of(plan)] == ["电话随访：嘱减量，三日后复评"]


@pytest.mark.parametrize(
    "channel, note, field, code",
    [
        ("", "说了", "channel", "channel_required"),
        ("pigeon", "说了", "channel", "channel_required"),
        ("phone", "   ", "note", "contact_note_required"),
        ("phone", "长" * 2001, "note", "note_too_long"),
    ],
    ids=["no channel", "an unknown channel", "an empty note", "a note over 2000 characters"],
)
def test_a_contact_needs_its_channel_and_a_note(app, channel, note, field, code):
    with at_noon(START):
        plan = plan_for(None, "甲")
        with pytest.raises(ValidationError) as refused:
            worklist.record_contact(plan, plan.doctor, channel, note)
    assert refused.value.fields[field] == [code]


def test_no_contact_on_an_ended_plan(app):
    with at_noon(START):
        plan = plan_for(None, "甲")
        plans.end_plan(plan, plan.doctor)
        db.session.commit()
        with pytest.raises(ConflictError):
            worklist.record_contact(plan, plan.doctor, "phone", "电话")
