"""Complaints (quality/services/complaints.py): filed by a patient or guardian, optionally about
something they received (the doctor and department copied from it), due 5 working days later;
the quality officer records notes and contacts and answers once; every step is kept in order,
audited, and the patient is told. Neither complaints nor steps are ever deleted."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from quality.models import Complaint, ComplaintStep
from quality.services import complaints
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.models.inbox import InboxMessage
from tests.factories import create_child, create_patient
from tests.quality.helpers import completed_visit, quality_officer

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_complaint_about_a_visit_is_due_in_five_working_days(app):
    visit = completed_visit()
    officer = quality_officer()
    with time_machine.travel(datetime(2026, 12, 4, 10, tzinfo=SHANGHAI), tick=False):  # Friday
        complaint = complaints.file(
            visit.patient.user, visit.patient_id, f"encounter:{visit.id}", " 医生迟到 "
        )
    db.session.commit()
    assert complaint.text == "医生迟到" and complaint.status == "filed"
    assert (complaint.doctor_id, complaint.department_id) == (visit.doctor_id, visit.department_id)
    assert complaint.due_at == datetime(2026, 12, 11, 23, 59, 59, tzinfo=SHANGHAI)
    assert [s.kind for s in complaint.steps] == ["filed"]
    told = db.session.scalars(sa.select(InboxMessage).where(InboxMessage.user_id == officer.id))
    assert [m.kind for m in told] == ["quality_complaint"]
    assert complaints.open_complaints() == [complaint]


def test_the_answer_time_is_a_setting(app):
    app.config["QUALITY_COMPLAINT_ANSWER_DAYS"] = 1
    patient = create_patient()
    with time_machine.travel(datetime(2026, 12, 4, 10, tzinfo=SHANGHAI), tick=False):
        complaint = complaints.file(patient.user, patient.id, "", "挂号难")
    assert complaint.due_at.astimezone(SHANGHAI).date().isoformat() == "2026-12-07"


def test_a_guardian_complains_for_a_child_and_not_for_a_stranger(app):
    guardian = create_patient(name="王芳")
    child = create_child(guardian, years=6)
    stranger = create_patient(name="李四")
    assert complaints.file(guardian.user, child.id, "", "态度不好").patient_id == child.id
    with pytest.raises(NotFoundError):
        complaints.file(guardian.user, stranger.id, "", "态度不好")


def test_a_complaint_about_someone_elses_visit_is_refused(app):
    visit = completed_visit()
    stranger = create_patient(name="李四")
    with pytest.raises(NotFoundError):
        complaints.file(stranger.user, stranger.id, f"encounter:{visit.id}", "不是我的")


@pytest.mark.parametrize(
    "text, code",
    [("", "words_or_voice_required"), ("  ", "words_or_voice_required"),
     ("长" * 2001, "text_too_long")],
    ids=["an empty complaint without a voice note", "a blank complaint without a voice note",
         "a complaint too long"],
)  # fmt: skip
def test_a_complaint_needs_its_text(app, text, code):
    patient = create_patient()
    with pytest.raises(ValidationError) as refused:
        complaints.file(patient.user, patient.id, "", text)
    assert refused.value.fields == {"text": [code]}


def test_the_officer_records_steps_and_answers_once_and_the_patient_is_told(app):
    patient = create_patient()
    officer = quality_officer()
    complaint = complaints.file(patient.user, patient.id, "", "药品配送太慢")
    complaints.add_step(officer, complaint.id, "contact", "已电话联系患者，了解情况")
    complaints.add_step(officer, complaint.id, "note", "与配送部门核实")
    complaints.answer(officer, complaint.id, "已督促配送部门改进，并致歉")
    db.session.commit()
    db.session.refresh(complaint)
    assert [s.kind for s in complaint.steps] == ["filed", "contact", "note", "answer"]
    assert complaint.status == "answered" and complaint.answered_by_id == officer.id
    assert complaints.open_complaints() == []
    assert complaints.patient_complaints(patient.user) == [complaint]
    told = db.session.scalars(
        sa.select(InboxMessage.text).where(InboxMessage.user_id == patient.user_id)
    ).all()
    assert any("投诉已答复" in text for text in told)
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("quality.complaint_step") == 2
    assert {"quality.complaint_file", "quality.complaint_answer"} <= set(actions)
    with pytest.raises(ConflictError) as again:
        complaints.answer(officer, complaint.id, "再答一次")
    assert again.value.code == "complaint_answered"


def test_a_step_must_be_a_note_or_a_contact_with_text(app):
    patient = create_patient()
    officer = quality_officer()
    complaint = complaints.file(patient.user, patient.id, "", "问题")
    with pytest.raises(ValidationError) as kind:
        complaints.add_step(officer, complaint.id, "answer", "伪造答复")
    assert kind.value.fields == {"kind": ["bad_step_kind"]}
    with pytest.raises(ValidationError) as empty:
        complaints.add_step(officer, complaint.id, "note", " ")
    assert empty.value.fields == {"text": ["text_required"]}


def test_another_patient_does_not_see_the_complaint(app):
    patient = create_patient()
    complaint = complaints.file(patient.user, patient.id, "", "问题")
    with pytest.raises(NotFoundError):
        complaints.own_complaint(create_patient(name="李四").user, complaint.id)


def test_complaints_and_their_steps_are_never_deleted_and_steps_never_changed(app):
    patient = create_patient()
    complaint = complaints.file(patient.user, patient.id, "", "问题")
    db.session.commit()
    for statement in (
        sa.delete(Complaint).where(Complaint.id == complaint.id),
        sa.delete(ComplaintStep).where(ComplaintStep.complaint_id == complaint.id),
        sa.update(ComplaintStep).values(text="改写"),
    ):
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(statement)
            db.session.flush()
        db.session.rollback()
