"""Encounter workflow: follow-up proof and the doctor's decision gate prescribing; termination
locks it and leads to an in-person booking; stale or repeated actions are refused."""

import pytest
import sqlalchemy as sa

from tcm_app.common.errors import ConflictError, PermissionDeniedError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.services import documents, encounters
from tests.factories import create_child, create_doctor, create_encounter, create_patient, png_bytes


def upload(encounter):
    documents.add_document(
        encounter, encounter.patient.user, "discharge_summary", "d.png", png_bytes()
    )


def test_followup_prescribing_opens_only_after_proof_and_decision(app):
    encounter = create_encounter()
    doctor = encounter.doctor
    assert encounters.prescribing_status(encounter) == (
        "no_prior_diagnosis_document",
        "eligibility_undecided",
    )
    encounters.start_encounter(encounter, doctor)
    with pytest.raises(ValidationError) as exc:
        encounters.decide_eligibility(encounter, doctor, "eligible", "")
    assert exc.value.code == "no_prior_diagnosis_document"
    upload(encounter)
    encounters.decide_eligibility(encounter, doctor, "eligible", "门诊病历明确诊断胃脘痛")
    assert encounters.prescribing_status(encounter) == ()


def test_not_eligible_needs_a_reason_and_blocks_prescribing(app):
    encounter = create_encounter()
    upload(encounter)
    with pytest.raises(ValidationError) as exc:
        encounters.decide_eligibility(encounter, encounter.doctor, "not_eligible", "  ")
    assert exc.value.code == "reason_required"
    encounters.decide_eligibility(encounter, encounter.doctor, "not_eligible", "病历非本病诊断")
    assert "not_eligible" in encounters.prescribing_status(encounter)


def test_only_the_treating_doctor_decides(app):
    encounter = create_encounter()
    upload(encounter)
    with pytest.raises(PermissionDeniedError):
        encounters.decide_eligibility(encounter, create_doctor(), "eligible", "")


def test_termination_locks_prescribing_and_offers_in_person_booking(app):
    encounter = create_encounter()
    upload(encounter)
    doctor = encounter.doctor
    encounters.start_encounter(encounter, doctor)
    encounters.decide_eligibility(encounter, doctor, "eligible", "")
    encounters.terminate_encounter(encounter, doctor, "condition_changed", "胸痛加重，请立即到门诊")
    assert "encounter_not_open" in encounters.prescribing_status(encounter)
    with pytest.raises(ConflictError):
        encounters.record_diagnosis(encounter, doctor, "胃脘痛", "脾胃虚寒证")
    follow_up = encounters.request_in_person_after_termination(encounter, encounter.patient.user)
    assert (follow_up.kind, follow_up.status, follow_up.follows_encounter_id) == (
        "in_person",
        "requested",
        encounter.id,
    )
    again = encounters.request_in_person_after_termination(encounter, encounter.patient.user)
    assert again.id == follow_up.id  # a second click books nothing more


@pytest.mark.parametrize(
    ("reason", "note", "code"),
    [
        pytest.param("first_visit", "", "note_required", id="termination-needs-an-explanation"),
    ],
)
def test_termination_needs_reason_and_note(app, reason, note, code):
    encounter = create_encounter()
    with pytest.raises(ValidationError) as exc:
        encounters.terminate_encounter(encounter, encounter.doctor, reason, note)
    assert exc.value.code == code


def test_in_person_visits_are_not_terminated_online(app):
    encounter = create_encounter(kind="in_person", actor=create_doctor())
    with pytest.raises(ValidationError):
        encounters.terminate_encounter(encounter, encounter.doctor, "first_visit", "x")


def test_patients_cannot_open_in_person_visits_themselves(app):
    patient = create_patient()
    with pytest.raises(PermissionDeniedError):
        create_encounter(patient=patient, kind="in_person", actor=patient.user)


def test_online_visit_needs_a_doctor_enabled_online(app):
    with pytest.raises(ValidationError) as exc:
        create_encounter(doctor=create_doctor(online=False))
    assert exc.value.code == "doctor_not_online"


def test_stale_version_is_refused(app):
    encounter = create_encounter()
    stale = encounter.version
    encounters.start_encounter(encounter, encounter.doctor, stale)
    with pytest.raises(ConflictError) as exc:
        encounters.terminate_encounter(encounter, encounter.doctor, "first_visit", "x", stale)
    assert exc.value.code == "stale"


def test_concurrent_writer_loses_with_stale_data_error(app):
    """The version column guards the UPDATE itself: a second session's write cannot apply twice."""
    encounter = create_encounter()
    db.session.commit()
    # Another writer moves the row on behind this session's back (plain SQL, no ORM sync).
    db.session.execute(
        sa.text(
            "UPDATE encounters SET status = 'in_progress', version = version + 1 WHERE id = :id"
        ),
        {"id": encounter.id},
    )
    encounter.chief_complaint = "changed by a stale writer"
    with pytest.raises(sa.orm.exc.StaleDataError):
        db.session.flush()


def test_completion_needs_a_started_visit_and_a_diagnosis(app):
    encounter = create_encounter(kind="in_person", actor=create_doctor())
    with pytest.raises(ConflictError):
        encounters.complete_encounter(encounter, encounter.doctor)
    encounters.start_encounter(encounter, encounter.doctor)
    with pytest.raises(ValidationError) as exc:
        encounters.complete_encounter(encounter, encounter.doctor)
    assert exc.value.code == "diagnosis_required"
    encounters.record_diagnosis(encounter, encounter.doctor, "感冒", "风寒束表证")
    encounters.complete_encounter(encounter, encounter.doctor)
    assert encounter.status == "completed"


@pytest.mark.parametrize(
    ("disease", "disease_code", "expected_code", "error_field"),
    [
        pytest.param("感冒", "", "A01.01.01", None, id="known-disease-gets-its-gbt15657-code"),
        pytest.param("胃脘痛", "", None, None, id="unknown-name-keeps-no-code"),
        pytest.param("痢疾", "a01.03.19", "A01.03.19", None, id="typed-code-normalised"),
        pytest.param("感冒", "X12", None, "disease_code", id="malformed-disease-code-refused"),
        pytest.param("感冒", "B01.01", None, "disease_code", id="syndrome-code-as-disease-refused"),
    ],
)
def test_diagnosis_codes(app, disease, disease_code, expected_code, error_field):
    encounter = create_encounter()
    if error_field:
        with pytest.raises(ValidationError) as exc:
            encounters.record_diagnosis(
                encounter, encounter.doctor, disease, "风寒束表证", disease_code
            )
        assert error_field in exc.value.fields
        return
    diagnosis = encounters.record_diagnosis(
        encounter, encounter.doctor, disease, "风寒束表证", disease_code
    )
    assert diagnosis.disease_code == expected_code


def test_retired_diagnosis_stays_on_record(app):
    encounter = create_encounter()
    diagnosis = encounters.record_diagnosis(encounter, encounter.doctor, "感冒", "风寒束表证")
    encounters.retire_diagnosis(encounter, encounter.doctor, diagnosis.id)
    assert encounter.active_diagnoses == [] and len(encounter.diagnoses) == 1


def test_note_changes_keep_the_previous_text_in_the_audit_log(app):
    encounter = create_encounter()
    encounters.record_four_exam_notes(encounter, encounter.doctor, {"inspection_note": "舌淡苔白"})
    encounters.record_four_exam_notes(encounter, encounter.doctor, {"inspection_note": "舌红少苔"})
    last = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action == "encounter.notes")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert "舌淡苔白" in last.details and "舌红少苔" in last.details


def test_child_under_six_needs_guardian_present_before_prescribing(app):
    guardian = create_patient()
    child = create_child(guardian, years=4, sex="male", name="王小宝")
    encounter = create_encounter(patient=child, actor=guardian.user)
    upload_by_guardian = documents.add_document(
        encounter, guardian.user, "outpatient_record", "r.png", png_bytes()
    )
    assert upload_by_guardian.patient_id == child.id
    encounters.decide_eligibility(encounter, encounter.doctor, "eligible", "")
    assert encounters.prescribing_status(encounter) == ("guardian_required",)
    encounters.set_guardian_present(encounter, encounter.doctor, True)
    assert encounters.prescribing_status(encounter) == ()


def test_guardian_presence_needs_a_linked_guardian(app):
    encounter = create_encounter()
    with pytest.raises(ValidationError):
        encounters.set_guardian_present(encounter, encounter.doctor, True)


def test_online_visit_of_a_young_child_cannot_close_without_the_guardian(app):
    guardian = create_patient()
    child = create_child(guardian, years=3, sex="female", name="王小妹")
    encounter = create_encounter(patient=child, actor=guardian.user, kind="online_consultation")
    encounters.start_encounter(encounter, encounter.doctor)
    encounters.record_diagnosis(encounter, encounter.doctor, "积滞", "脾虚食积证")
    with pytest.raises(ValidationError) as exc:
        encounters.complete_encounter(encounter, encounter.doctor)
    assert exc.value.code == "guardian_required"
    encounters.set_guardian_present(encounter, encounter.doctor, True)
    encounters.complete_encounter(encounter, encounter.doctor)
    assert encounter.status == "completed"
