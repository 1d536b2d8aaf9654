"""Encounter endpoints: who may request, list and read which visit; what a new one looks like."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.encounters import Encounter
from tcm_app.services import encounters as encounter_service
from tcm_app.services.clock import clinic_today
from tests.api.helpers import API, api_error, audit_entries, issue, request_visit
from tests.factories import (
    create_child,
    create_department,
    create_doctor,
    create_encounter,
    create_patient,
    create_pharmacist,
    create_user,
)


def count_encounters() -> int:
    return db.session.scalar(sa.select(sa.func.count(Encounter.id)))


def four_years_ago() -> date:
    return clinic_today() - timedelta(days=4 * 365 + 1)


@pytest.fixture
def patient(app):
    return create_patient(name="王丽")


# --- requesting a visit ---------------------------------------------------------------------------


@pytest.mark.clock  # the clinic's day, not the server's (make test-clock)
def test_patient_requests_an_online_followup_for_self(app, client, doctor, patient):
    headers, _ = issue(patient.user)

    response = request_visit(client, headers, patient.id, doctor.id)

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["patient_id"] == patient.id
    assert body["doctor_id"] == doctor.id
    assert body["department_id"] == doctor.doctor_profile.department_id
    assert body["kind"] == "online_followup"
    assert body["status"] == "requested"
    assert body["eligibility"] == "undecided"
    assert body["chief_complaint"] == "胃脘隐痛三月，复诊"
    assert body["scheduled_on"] == clinic_today().isoformat()
    assert isinstance(body["version"], int)
    assert body["diagnoses"] == [] and body["documents"] == []
    assert body["prescribing_blockers"] == ["no_prior_diagnosis_document", "eligibility_undecided"]
    stored = db.session.get(Encounter, body["id"])
    assert stored is not None and stored.requested_by_id == patient.user.id


def test_request_is_audited(app, client, doctor, patient):
    headers, _ = issue(patient.user)
    encounter_id = request_visit(client, headers, patient.id, doctor.id).get_json()["id"]
    entries = audit_entries("encounter.request", encounter_id)
    assert [e.actor_id for e in entries] == [patient.user.id]


def test_doctor_not_enabled_online_cannot_be_chosen(app, client, patient):
    offline_doctor = create_doctor(online=False)
    headers, _ = issue(patient.user)

    response = request_visit(client, headers, patient.id, offline_doctor.id)

    api_error(response, 422, "doctor_not_online")
    assert count_encounters() == 0


def test_unknown_doctor_is_a_validation_error(app, client, patient):
    headers, _ = issue(patient.user)
    error = api_error(request_visit(client, headers, patient.id, 999_999), 422)
    assert "doctor_id" in error.get("fields", {})


@pytest.mark.parametrize("role", [Role.PATIENT, Role.PHARMACIST, Role.CLINIC])
def test_a_user_who_is_not_a_doctor_cannot_be_chosen_as_doctor(app, client, patient, role):
    not_a_doctor = create_user(role)
    headers, _ = issue(patient.user)
    api_error(request_visit(client, headers, patient.id, not_a_doctor.id), 422)
    assert count_encounters() == 0


def test_deactivated_doctor_cannot_be_chosen(app, client, doctor, patient):
    doctor.active = False
    headers, _ = issue(patient.user)
    api_error(request_visit(client, headers, patient.id, doctor.id), 422)
    assert count_encounters() == 0


def test_patient_cannot_request_a_visit_for_someone_else(app, client, doctor, patient):
    stranger = create_patient(name="陌生人")
    headers, _ = issue(patient.user)

    response = request_visit(client, headers, stranger.id, doctor.id)

    api_error(response, 404, "not_found")
    assert count_encounters() == 0


def test_patient_cannot_request_an_in_person_visit(app, client, doctor, patient):
    headers, _ = issue(patient.user)

    response = request_visit(client, headers, patient.id, doctor.id, kind="in_person")

    error = api_error(response, 422)
    assert "kind" in error.get("fields", {})
    assert count_encounters() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"doctor_id": 1, "kind": "online_followup", "chief_complaint": "x"}, "patient_id"),
        ({"patient_id": 1, "kind": "online_followup", "chief_complaint": "x"}, "doctor_id"),
        ({"patient_id": 1, "doctor_id": 1, "kind": "telepathy", "chief_complaint": "x"}, "kind"),
        (
            {"patient_id": 1, "doctor_id": 1, "kind": "online_followup", "chief_complaint": ""},
            "chief_complaint",
        ),
        (
            {
                "patient_id": "one",
                "doctor_id": 1,
                "kind": "online_followup",
                "chief_complaint": "x",
            },
            "patient_id",
        ),
    ],
)
def test_malformed_request_names_the_field(app, client, patient, body, field):
    headers, _ = issue(patient.user)
    error = api_error(client.post(f"{API}/encounters", headers=headers, json=body), 422)
    assert field in error.get("fields", {}), error


def test_request_body_must_be_a_json_object(app, client, patient):
    headers, _ = issue(patient.user)
    response = client.post(f"{API}/encounters", headers=headers, json=[1, 2, 3])
    assert response.status_code in (400, 422)
    api_error(response, response.status_code)


@pytest.mark.parametrize("role", [Role.DOCTOR, Role.CLINIC, Role.PHARMACIST, Role.ADMIN])
def test_only_patients_may_request_visits(app, client, doctor, patient, role):
    caller = doctor if role == Role.DOCTOR else create_user(role)
    headers, _ = issue(caller)

    response = request_visit(client, headers, patient.id, doctor.id)

    api_error(response, 403, "forbidden")
    assert count_encounters() == 0


def test_requesting_needs_a_token(app, client, doctor, patient):
    db.session.commit()
    api_error(request_visit(client, {}, patient.id, doctor.id), 401, "unauthenticated")


def test_consultation_never_allows_prescribing(app, client, doctor, patient):
    headers, _ = issue(patient.user)
    response = request_visit(client, headers, patient.id, doctor.id, kind="online_consultation")
    assert response.status_code == 201, response.get_data(as_text=True)
    assert "consultation_cannot_prescribe" in response.get_json()["prescribing_blockers"]


# --- a child under 6 ------------------------------------------------------------------------------


def test_guardian_requests_a_visit_for_a_young_child(app, client, doctor):
    guardian = create_patient(name="王丽")
    child = create_child(guardian, years=4, name="王小明")
    headers, _ = issue(guardian.user)

    response = request_visit(client, headers, child.id, doctor.id, chief_complaint="咳嗽三天")

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["patient_id"] == child.id
    assert body["guardian_present"] is False
    assert "guardian_required" in body["prescribing_blockers"]
    assert db.session.get(Encounter, body["id"]).guardian_id == guardian.id


def test_guardian_presence_lifts_the_guardian_blocker(app, client, doctor):
    guardian = create_patient(name="王丽")
    child = create_child(guardian, years=4, name="王小明")
    headers, _ = issue(guardian.user)
    encounter_id = request_visit(client, headers, child.id, doctor.id).get_json()["id"]

    # No API route records guardian presence yet: the doctor's action goes through the service.
    encounter_service.set_guardian_present(db.session.get(Encounter, encounter_id), doctor, True)
    db.session.commit()

    body = client.get(f"{API}/encounters/{encounter_id}", headers=headers).get_json()
    assert body["guardian_present"] is True
    assert "guardian_required" not in body["prescribing_blockers"]
    assert body["prescribing_blockers"] == ["no_prior_diagnosis_document", "eligibility_undecided"]


def test_a_school_child_needs_no_guardian_present(app, client, doctor):
    guardian = create_patient(name="王丽")
    child = create_child(guardian, years=10, name="王小华")
    headers, _ = issue(guardian.user)
    body = request_visit(client, headers, child.id, doctor.id).get_json()
    assert "guardian_required" not in body["prescribing_blockers"]


def test_an_unrelated_adult_cannot_request_for_a_child(app, client, doctor):
    guardian = create_patient(name="王丽")
    child = create_child(guardian, years=4, name="王小明")
    other = create_patient(name="陌生人")
    headers, _ = issue(other.user)
    api_error(request_visit(client, headers, child.id, doctor.id), 404)


# --- reading --------------------------------------------------------------------------------------


def test_patient_reads_own_encounter(app, client, patient):
    encounter = create_encounter(patient=patient)
    headers, _ = issue(patient.user)
    response = client.get(f"{API}/encounters/{encounter.id}", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["id"] == encounter.id


def test_patient_cannot_read_another_patients_encounter(app, client, patient):
    other = create_encounter(patient=create_patient(name="陌生人"))
    headers, _ = issue(patient.user)
    api_error(client.get(f"{API}/encounters/{other.id}", headers=headers), 404, "not_found")


def test_missing_and_foreign_encounters_look_the_same(app, client, patient):
    other = create_encounter(patient=create_patient(name="陌生人"))
    headers, _ = issue(patient.user)
    foreign = client.get(f"{API}/encounters/{other.id}", headers=headers)
    missing = client.get(f"{API}/encounters/{other.id + 1000}", headers=headers)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.get_json() == missing.get_json()


def test_treating_doctor_reads_the_encounter(app, client, doctor):
    encounter = create_encounter(doctor=doctor)
    headers, _ = issue(doctor)
    response = client.get(f"{API}/encounters/{encounter.id}", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["doctor_id"] == doctor.id


def test_doctor_cannot_read_another_doctors_encounter(app, client, doctor):
    encounter = create_encounter(doctor=create_doctor())
    headers, _ = issue(doctor)
    api_error(client.get(f"{API}/encounters/{encounter.id}", headers=headers), 404, "not_found")


def test_clinic_desk_reads_any_encounter(app, client):
    encounter = create_encounter()
    headers, _ = issue(create_user(Role.CLINIC))
    assert client.get(f"{API}/encounters/{encounter.id}", headers=headers).status_code == 200


@pytest.mark.parametrize("role", [Role.PHARMACIST, Role.ADMIN, Role.DECOCTION])
def test_roles_outside_care_cannot_list_or_read_encounters(app, client, role):
    encounter = create_encounter()
    caller = create_pharmacist() if role == Role.PHARMACIST else create_user(role)
    headers, _ = issue(caller)
    api_error(client.get(f"{API}/encounters", headers=headers), 403, "forbidden")
    api_error(client.get(f"{API}/encounters/{encounter.id}", headers=headers), 403, "forbidden")


def test_patient_lists_own_and_childrens_encounters_only(app, client, doctor):
    guardian = create_patient(name="王丽")
    child = create_child(guardian, years=4, name="王小明")
    own = create_encounter(patient=guardian, doctor=doctor)
    childs = create_encounter(patient=child, doctor=doctor)
    create_encounter(patient=create_patient(name="陌生人"), doctor=doctor)
    headers, _ = issue(guardian.user)

    response = client.get(f"{API}/encounters", headers=headers)

    assert response.status_code == 200
    ids = [item["id"] for item in response.get_json()["items"]]
    assert ids == [childs.id, own.id]  # newest first


def test_doctor_lists_only_own_encounters(app, client, doctor):
    mine = create_encounter(doctor=doctor)
    create_encounter(doctor=create_doctor())
    headers, _ = issue(doctor)
    ids = [
        item["id"] for item in client.get(f"{API}/encounters", headers=headers).get_json()["items"]
    ]
    assert ids == [mine.id]


def test_clinic_desk_lists_every_encounter(app, client):
    first = create_encounter()
    second = create_encounter(
        doctor=create_doctor(department=create_department("acupuncture", "针灸科", "Acupuncture"))
    )
    headers, _ = issue(create_user(Role.CLINIC))
    ids = [
        item["id"] for item in client.get(f"{API}/encounters", headers=headers).get_json()["items"]
    ]
    assert ids == [second.id, first.id]


def test_list_items_carry_prescribing_blockers(app, client, patient):
    create_encounter(patient=patient)
    headers, _ = issue(patient.user)
    items = client.get(f"{API}/encounters", headers=headers).get_json()["items"]
    assert items[0]["prescribing_blockers"] == [
        "no_prior_diagnosis_document",
        "eligibility_undecided",
    ]


def test_blockers_show_a_doctor_later_disabled_for_online_care(app, client, doctor, patient):
    encounter = create_encounter(patient=patient, doctor=doctor)
    doctor.doctor_profile.online_enabled = False
    headers, _ = issue(patient.user)
    body = client.get(f"{API}/encounters/{encounter.id}", headers=headers).get_json()
    assert "doctor_not_enabled_online" in body["prescribing_blockers"]


# --- patient records ------------------------------------------------------------------------------


def test_patient_reads_own_record_with_masked_identifiers(app, client, patient):
    headers, _ = issue(patient.user)
    response = client.get(f"{API}/patients/{patient.id}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["id"] == patient.id and body["legal_name"] == "王丽"
    assert patient.id_number not in response.get_data(as_text=True)
    assert patient.phone not in response.get_data(as_text=True)
    assert body["birth_date"] == patient.birth_date.isoformat()


def test_patient_cannot_read_another_patients_record(app, client, patient):
    stranger = create_patient(name="陌生人")
    headers, _ = issue(patient.user)
    api_error(client.get(f"{API}/patients/{stranger.id}", headers=headers), 404, "not_found")


def test_doctor_reads_only_patients_they_treat(app, client, doctor):
    treated = create_encounter(doctor=doctor).patient
    stranger = create_patient(name="陌生人")
    headers, _ = issue(doctor)
    assert client.get(f"{API}/patients/{treated.id}", headers=headers).status_code == 200
    api_error(client.get(f"{API}/patients/{stranger.id}", headers=headers), 404)
