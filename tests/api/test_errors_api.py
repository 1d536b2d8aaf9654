"""Every refusal under /api/v1 is JSON {"error": {"code", "message"}}: never HTML, never a 500."""

import pytest

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services import access
from tests.api.helpers import API, api_error, issue, request_visit
from tests.factories import create_doctor, create_encounter, create_patient, create_user

# Just past PostgreSQL's INTEGER, and past any 64-bit integer (SQLite's limit).
HUGE_IDS = [2**31, 10**22]


def test_401_is_json(app, client):
    api_error(client.get(f"{API}/encounters"), 401, "unauthenticated")


def test_401_names_the_bearer_scheme(app, client):
    """RFC 9110 §11.6.1 / RFC 6750 §3: a 401 from a protected resource carries WWW-Authenticate."""
    response = client.get(f"{API}/me")
    assert response.status_code == 401
    assert response.headers.get("WWW-Authenticate", "").lower().startswith("bearer")


def test_403_is_json(app, client):
    headers, _ = issue(create_user(Role.ADMIN))
    api_error(client.get(f"{API}/encounters", headers=headers), 403, "forbidden")


def test_404_for_an_unknown_api_path_is_json(app, client):
    api_error(client.get(f"{API}/no-such-thing"), 404)


def test_404_for_an_unknown_encounter_is_json(app, client):
    headers, _ = issue(create_doctor())
    api_error(client.get(f"{API}/encounters/4242", headers=headers), 404, "not_found")


def test_405_is_json(app, client):
    headers, _ = issue(create_user(Role.PATIENT))
    api_error(client.put(f"{API}/me", headers=headers), 405)
    api_error(client.get(f"{API}/auth/token"), 405)


def test_422_is_json_with_fields(app, client):
    error = api_error(client.post(f"{API}/auth/token", json={"username": "x"}), 422)
    assert isinstance(error["fields"], dict) and "password" in error["fields"]


def test_pages_outside_the_api_are_not_json(app, client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert not response.is_json


@pytest.mark.parametrize("huge", HUGE_IDS)
@pytest.mark.parametrize("collection", ["encounters", "patients"])
def test_huge_id_in_the_path_is_not_found(app, client, collection, huge):
    headers, _ = issue(create_patient().user)
    api_error(client.get(f"{API}/{collection}/{huge}", headers=headers), 404)


@pytest.mark.parametrize("huge", HUGE_IDS)
@pytest.mark.parametrize("field", ["patient_id", "doctor_id"])
def test_huge_id_in_the_body_is_refused(app, client, field, huge):
    patient = create_patient()
    doctor = create_doctor()
    headers, _ = issue(patient.user)
    ids = {"patient_id": patient.id, "doctor_id": doctor.id, field: huge}
    response = request_visit(client, headers, ids["patient_id"], ids["doctor_id"])
    assert response.status_code in (404, 422), response.status_code
    api_error(response, response.status_code)


def test_fractional_id_is_not_truncated(app, client):
    patient = create_patient()
    doctor = create_doctor()
    headers, _ = issue(patient.user)
    response = request_visit(client, headers, patient.id + 0.5, doctor.id)
    error = api_error(response, 422)
    assert "patient_id" in error.get("fields", {})


def test_blank_chief_complaint_is_refused(app, client):
    patient = create_patient()
    doctor = create_doctor()
    headers, _ = issue(patient.user)
    error = api_error(
        request_visit(client, headers, patient.id, doctor.id, chief_complaint="   "), 422
    )
    assert "chief_complaint" in error.get("fields", {})


def test_unexpected_failure_is_a_json_500_without_details(app, client, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    encounter = create_encounter()
    headers, _ = issue(encounter.doctor)

    def broken(user):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(access, "encounters_query", broken)
    app.logger.disabled = True  # the traceback is expected; keep the test output clean
    try:
        response = client.get(f"{API}/encounters", headers=headers)
    finally:
        app.logger.disabled = False

    api_error(response, 500)
    assert "secret internal detail" not in response.get_data(as_text=True)
    db.session.rollback()
