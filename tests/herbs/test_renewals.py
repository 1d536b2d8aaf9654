"""Repeat prescriptions (herbs/services/renewals.py): the patient's request opens a follow-up
with the same doctor tied to the earlier prescription; the doctor renews it into a new draft
with the same herbs (to review and sign anew) only once prescribing is allowed, or declines with
a reason the patient reads; someone else's prescription is not found; a chain of renewals ends
in an in-person visit."""

import pytest
from sqlalchemy import select

from herbs.models import PrescriptionRenewal
from herbs.services import prescriptions, renewals
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.inbox import InboxMessage
from tcm_app.services import documents
from tcm_app.services import encounters as encounter_service
from tests.factories import approved_prescription, create_patient, png_bytes


def dispensed():
    rx = approved_prescription()
    prescriptions.consume(rx, "order-1")
    db.session.commit()
    return rx


def test_a_request_opens_a_follow_up_with_the_same_doctor(app):
    rx = dispensed()
    patient = rx.encounter.patient
    renewal = renewals.request_renewal(patient.user, rx, "咳嗽减轻，仍有鼻塞")
    db.session.commit()
    visit = renewal.encounter
    assert (visit.kind, visit.status, visit.doctor_id) == (
        "online_followup", "requested", rx.doctor_id,
    )  # fmt: skip
    assert visit.chief_complaint == "咳嗽减轻，仍有鼻塞" and renewal.status == "requested"
    sent = db.session.scalars(select(InboxMessage).where(InboxMessage.user_id == rx.doctor_id))
    assert any("申请续方" in message.text for message in sent)


def test_an_approved_prescription_is_not_renewed(app):
    rx = approved_prescription()
    db.session.commit()
    with pytest.raises(ConflictError) as refused:
        renewals.request_renewal(rx.encounter.patient.user, rx, "还想再吃")
    assert refused.value.code == "prescription_still_valid"


def test_someone_elses_prescription_is_not_found(app):
    rx = dispensed()
    stranger = create_patient(name="李雷")
    with pytest.raises(NotFoundError):
        renewals.request_renewal(stranger.user, rx, "我也要")


def test_an_empty_update_is_refused_on_its_field(app):
    rx = dispensed()
    with pytest.raises(ValidationError) as refused:
        renewals.request_renewal(rx.encounter.patient.user, rx, "   ")
    assert refused.value.fields == {"update": ["words_or_voice_required"]}


def test_renewing_waits_for_the_eligibility_decision(app):
    rx = dispensed()
    renewal = renewals.request_renewal(rx.encounter.patient.user, rx, "好多了")
    db.session.commit()
    with pytest.raises(ConflictError) as refused:
        renewals.renew(renewal, rx.encounter.doctor)
    assert refused.value.code == "prescribing_blocked"


def test_declining_tells_the_patient_why_and_is_final(app):
    rx = dispensed()
    renewal = renewals.request_renewal(rx.encounter.patient.user, rx, "好多了")
    doctor = rx.encounter.doctor
    renewals.decline(renewal, doctor, "症状变化，请来院面诊")
    db.session.commit()
    assert (renewal.status, renewal.decline_reason) == ("declined", "症状变化，请来院面诊")
    patient_messages = db.session.scalars(
        select(InboxMessage.text).where(InboxMessage.user_id == rx.encounter.patient.user_id)
    ).all()
    assert any("请来院面诊" in text for text in patient_messages)
    with pytest.raises(ConflictError):
        renewals.renew(renewal, doctor)
    assert renewals.refusal(rx) is None  # declined, so a new request may be made


def test_a_second_request_waits_for_the_first(app):
    rx = dispensed()
    renewals.request_renewal(rx.encounter.patient.user, rx, "好多了")
    with pytest.raises(ConflictError) as refused:
        renewals.request_renewal(rx.encounter.patient.user, rx, "再问一次")
    assert refused.value.code == "renewal_pending"
    assert db.session.query(PrescriptionRenewal).count() == 1


def make_prescribable(encounter):
    """The doctor starts the renewal visit, has the proof and decides eligibility."""
    doctor = encounter.doctor
    encounter_service.start_encounter(encounter, doctor)
    documents.add_document(encounter, encounter.patient.user, "discharge_summary", "d.png",
                           png_bytes())  # fmt: skip
    encounter_service.decide_eligibility(encounter, doctor, "eligible", "续方：原诊断明确")
    encounter_service.record_diagnosis(encounter, doctor, "胃脘痛", "脾胃虚寒证")
    db.session.flush()


def test_renewing_copies_the_herbs_into_a_new_draft_to_sign(app):
    rx = dispensed()
    renewal = renewals.request_renewal(rx.encounter.patient.user, rx, "好多了")
    make_prescribable(renewal.encounter)
    draft = renewals.renew(renewal, rx.encounter.doctor)
    db.session.commit()
    assert draft.status == "draft" and draft.encounter_id == renewal.encounter_id
    assert [(line.herb_id, line.dose_g) for line in draft.lines] == [
        (line.herb_id, line.dose_g) for line in rx.lines
    ]
    assert (draft.packets, draft.usage) == (rx.packets, rx.usage)
    assert (renewal.status, renewal.new_prescription_id) == ("renewed", draft.id)
    assert draft.signed_at is None  # never signed for the doctor


def test_the_fourth_renewal_in_a_row_needs_an_in_person_visit(app):
    rx = dispensed()
    for _round in range(3):
        renewal = renewals.request_renewal(rx.encounter.patient.user, rx, "好多了")
        make_prescribable(renewal.encounter)
        draft = renewals.renew(renewal, rx.encounter.doctor)
        draft.status, draft.signed_at = "used", rx.signed_at  # dispensed, as the first was
        db.session.commit()
        rx = draft
    assert renewals.in_a_row(rx) == 3
    assert renewals.refusal(rx).code == "in_person_needed"
