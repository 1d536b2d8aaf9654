"""The clinic desk schedules visits; it does not read the medical record."""

from tcm_app.models.accounts import Role
from tcm_app.services import encounters
from tests.factories import bearer, create_encounter, create_user, login


def test_clinic_sees_the_schedule_but_not_the_clinical_notes(app, client):
    encounter = create_encounter()
    encounters.record_four_exam_notes(encounter, encounter.doctor, {"inspection_note": "舌淡苔白"})
    encounters.record_diagnosis(encounter, encounter.doctor, "胃脘痛", "脾胃虚寒证")
    desk = create_user(Role.CLINIC)
    body = client.get(f"/api/v1/encounters/{encounter.id}", headers=bearer(desk)).get_json()
    assert body["status"] == "requested" and body["scheduled_on"]
    assert "inspection_note" not in body and "diagnoses" not in body
    assert "舌淡苔白" not in str(body)
    doctor_view = client.get(
        f"/api/v1/encounters/{encounter.id}", headers=bearer(encounter.doctor)
    ).get_json()
    assert doctor_view["inspection_note"] == "舌淡苔白"


def test_clinic_cannot_open_uploaded_records(app, client):
    encounter = create_encounter()
    login(client, create_user(Role.CLINIC))
    assert client.get(f"/encounters/{encounter.id}/documents/1").status_code == 403
