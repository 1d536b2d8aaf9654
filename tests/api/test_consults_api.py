"""Video-consult slots over the API: list a doctor's free slots, book one (onto the follow-up the
patient already requested), read and cancel it; a patient reaches only their own bookings (404)."""

from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from consults.models import ConsultBooking
from consults.services import booking
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.encounters import Encounter
from tcm_app.services.clock import clinic_today
from tests.api.helpers import API, api_error
from tests.api.test_openapi import OPENAPI_URL, check
from tests.factories import bearer, create_doctor, create_encounter, create_patient, create_user


@pytest.fixture
def doctor(app):
    doctor = create_doctor()
    for weekday in range(7):
        booking.add_session(doctor, weekday, time(9, 0), time(12, 0), 15)
    db.session.commit()
    return doctor


def nine(days_ahead: int = 2) -> datetime:
    day = clinic_today() + timedelta(days=days_ahead)
    return datetime.combine(day, time(9, 0), booking.clinic_zone()).astimezone(UTC)


def listed(client, headers, doctor, **query):
    query = {"doctor_id": doctor.id, **query}
    return client.get(f"{API}/consults/slots", headers=headers, query_string=query)


def test_free_slots_are_listed_for_a_date_range_and_match_the_document(app, client, doctor):
    patient = create_patient()
    headers = bearer(patient.user)
    day = (clinic_today() + timedelta(days=2)).isoformat()
    response = listed(client, headers, doctor, **{"from": day, "to": day})
    assert response.status_code == 200, response.get_data(as_text=True)
    items = response.get_json()["items"]
    assert len(items) == 12 and items[0]["start"] == nine().isoformat()
    check(client.get(OPENAPI_URL).get_json(), "ConsultSlotList", response.get_json())


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        pytest.param({"to": "2026-13-01"}, 422, "bad_to", id="bad-date"),
        pytest.param({"from": "2030-01-10", "to": "2030-01-01"}, 422, "bad_to", id="reversed"),
        pytest.param({"from": "2030-01-01", "to": "2030-06-01"}, 422, "bad_to", id="too-long"),
        pytest.param({"doctor_id": "abc"}, 422, "bad_doctor_id", id="doctor-not-a-number"),
        pytest.param({"doctor_id": "999999"}, 404, "doctor_not_found", id="no-such-doctor"),
    ],
)
def test_bad_slot_queries_are_refused(app, client, doctor, query, status, code):
    response = listed(client, bearer(create_patient().user), doctor, **query)
    api_error(response, status, code)


def test_booking_attaches_to_the_requested_follow_up_and_cancel_frees_it(app, client, doctor):
    patient = create_patient()
    requested = create_encounter(patient=patient, doctor=doctor)
    headers = bearer(patient.user)
    payload = {"doctor_id": doctor.id, "start": nine().isoformat()}
    made = client.post(f"{API}/consults/bookings", headers=headers, json=payload)
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    assert body["encounter_id"] == requested.id and body["status"] == "booked"
    assert db.session.scalar(sa.select(sa.func.count(Encounter.id))) == 1
    check(client.get(OPENAPI_URL).get_json(), "ConsultBooking", body)
    again = client.post(f"{API}/consults/bookings", headers=headers, json=payload)
    api_error(again, 409, "slot_taken")
    mine = client.get(f"{API}/consults/bookings", headers=headers).get_json()["items"]
    assert [b["id"] for b in mine] == [body["id"]]
    cancelled = client.post(f"{API}/consults/bookings/{body['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    free = listed(client, headers, doctor).get_json()["items"]
    assert nine().isoformat() in {s["start"] for s in free}


def test_a_new_request_is_made_when_none_is_open(app, client, doctor):
    patient = create_patient()
    payload = {
        "doctor_id": doctor.id,
        "start": nine().isoformat(),
        "kind": "online_followup",
        "chief_complaint": "胃脘痛复诊",
    }
    made = client.post(f"{API}/consults/bookings", headers=bearer(patient.user), json=payload)
    assert made.status_code == 201, made.get_data(as_text=True)
    encounter = db.session.get(Encounter, made.get_json()["encounter_id"])
    assert encounter.patient_id == patient.id and encounter.chief_complaint == "胃脘痛复诊"


def test_a_patient_reaches_only_their_own_bookings(app, client, doctor):
    owner, stranger = create_patient(), create_patient(name="赵敏")
    made = booking.book(owner.user, owner, doctor, nine(), "online_followup", "复诊")
    theirs = create_encounter(patient=owner, doctor=doctor)
    db.session.commit()
    headers = bearer(stranger.user)
    api_error(client.get(f"{API}/consults/bookings/{made.id}", headers=headers), 404)
    cancel = client.post(f"{API}/consults/bookings/{made.id}/cancel", headers=headers)
    api_error(cancel, 404)
    payload = {"doctor_id": doctor.id, "start": nine(3).isoformat(), "encounter_id": theirs.id}
    api_error(client.post(f"{API}/consults/bookings", headers=headers, json=payload), 404)
    assert client.get(f"{API}/consults/bookings", headers=headers).get_json()["items"] == []
    assert db.session.get(ConsultBooking, made.id).status == "booked"


@pytest.mark.parametrize("role", [Role.CLINIC, Role.PHARMACIST, Role.DOCTOR])
def test_only_patients_book_and_cancel(app, client, doctor, role):
    headers = bearer(create_user(role))
    payload = {"doctor_id": doctor.id, "start": nine().isoformat()}
    api_error(client.post(f"{API}/consults/bookings", headers=headers, json=payload), 403)
    api_error(client.post(f"{API}/consults/bookings/1/cancel", headers=headers), 403)
