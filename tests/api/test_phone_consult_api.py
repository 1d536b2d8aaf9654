"""A phone call instead of the video consult (电话问诊) over the API: the patient asks for it, the
treating doctor records the call; the same rules as the visit page refuse with the JSON error
(404 outside the caller's scope, 403 for a role that may not, 409 for the consult's state, 422
for an unknown outcome), and a consult booking says where its phone consult stands."""

import pytest

from consults.services import phone
from tcm_app.extensions import db
from tests.api.helpers import API, api_error, audit_entries, forget_uncommitted
from tests.api.test_openapi import OPENAPI_URL, check
from tests.consults.test_phone_consult import book, events
from tests.factories import bearer, create_doctor, create_encounter, create_patient


@pytest.fixture
def booked(app):
    visit = book(create_encounter())
    db.session.commit()
    return visit


def phone_url(visit, tail: str = "") -> str:
    return f"{API}/encounters/{visit.id}/phone-consult{tail}"


def ask(client, visit, user):
    return client.post(phone_url(visit), headers=bearer(user))


def record(client, visit, user, outcome):
    return client.post(phone_url(visit, "/calls"), headers=bearer(user), json={"outcome": outcome})


def names(visit) -> list[str]:
    forget_uncommitted()
    return [e.name for e in events(visit)]


def test_the_patient_asks_and_gets_the_phone_consult_back(app, client, booked):
    answer = ask(client, booked, booked.patient.user)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    body = answer.get_json()
    assert (body["encounter_id"], body["state"], body["phone"]) == (
        booked.id,
        "waiting",
        "138****5678",
    )
    assert [e["name"] for e in body["events"]] == ["phone_requested"]
    check(client.get(OPENAPI_URL).get_json(), "PhoneConsult", body)
    assert names(booked) == ["phone_requested"]
    assert audit_entries("consult.phone_request", booked.id)


def test_another_patient_cannot_ask_or_read(app, client, booked):
    stranger = create_patient(name="李四")
    db.session.commit()
    api_error(ask(client, booked, stranger.user), 404)
    api_error(client.get(phone_url(booked), headers=bearer(stranger.user)), 404)
    assert names(booked) == []


def test_a_doctor_cannot_ask_in_the_patients_place(app, client, booked):
    api_error(ask(client, booked, booked.doctor), 403, "forbidden")
    assert names(booked) == []


def test_the_doctor_records_the_call_and_both_read_it_held(app, client, booked):
    phone.request_phone(booked, booked.patient.user)
    db.session.commit()
    doctor, patient = booked.doctor, booked.patient.user
    tried = record(client, booked, doctor, "not_reached")
    assert tried.status_code == 200 and tried.get_json()["state"] == "not_reached"
    started = record(client, booked, doctor, "started")
    assert started.get_json()["state"] == "in_call"
    ended = record(client, booked, doctor, "ended").get_json()
    assert ended["state"] == "held" and ended["phone"] == "13812345678"
    assert ended["events"][-1]["name"] == "phone_ended" and ended["events"][-1]["call_seconds"] >= 0
    check(client.get(OPENAPI_URL).get_json(), "PhoneConsult", ended)
    seen = client.get(phone_url(booked), headers=bearer(patient)).get_json()
    assert (seen["state"], seen["phone"]) == ("held", "138****5678")
    assert len(audit_entries("consult.phone_record", booked.id)) == 3


@pytest.mark.parametrize(
    ("before", "outcome", "status", "code"),
    [
        pytest.param([], "started", 409, "phone_not_requested", id="nothing-asked-is-409"),
        pytest.param(["ask"], "ended", 409, "phone_not_started", id="ending-first-is-409"),
        pytest.param(["ask", "started"], "started", 409, "phone_in_call", id="twice-is-409"),
        pytest.param(["ask"], "hung_up", 422, "phone_unknown_outcome", id="unknown-is-422"),
        pytest.param(["ask"], "", 422, None, id="an-empty-outcome-is-422"),
    ],
)
def test_a_wrong_record_is_refused(app, client, booked, before, outcome, status, code):
    for step in before:
        if step == "ask":
            phone.request_phone(booked, booked.patient.user)
        else:
            phone.record_call(booked, booked.doctor, step)
    db.session.commit()
    recorded = names(booked)
    api_error(record(client, booked, booked.doctor, outcome), status, code)
    assert names(booked) == recorded  # nothing written
    if code:
        assert audit_entries("consult.phone_record_refused", booked.id)


def test_asking_twice_is_a_409(app, client, booked):
    assert ask(client, booked, booked.patient.user).status_code == 201
    api_error(ask(client, booked, booked.patient.user), 409, "phone_already_requested")
    assert names(booked) == ["phone_requested"]


def test_only_the_treating_doctor_records(app, client, booked):
    phone.request_phone(booked, booked.patient.user)
    db.session.commit()
    other = create_doctor()
    db.session.commit()
    api_error(record(client, booked, other, "started"), 404)  # not in the other doctor's scope
    api_error(record(client, booked, booked.patient.user, "started"), 403, "forbidden")
    assert names(booked) == ["phone_requested"]


def test_a_body_that_is_not_an_object_is_422(app, client, booked):
    phone.request_phone(booked, booked.patient.user)
    db.session.commit()
    answer = client.post(phone_url(booked, "/calls"), headers=bearer(booked.doctor), json=[1])
    api_error(answer, 422)


def test_the_consult_booking_says_where_its_phone_consult_stands(app, client, booked):
    patient = booked.patient.user
    listed = client.get(f"{API}/consults/bookings", headers=bearer(patient)).get_json()
    assert [item["phone_consult"] for item in listed["items"]] == ["none"]
    phone.request_phone(booked, patient)
    phone.record_call(booked, booked.doctor, "not_reached")
    db.session.commit()
    listed = client.get(f"{API}/consults/bookings", headers=bearer(patient)).get_json()
    assert [item["phone_consult"] for item in listed["items"]] == ["not_reached"]
    check(client.get(OPENAPI_URL).get_json(), "ConsultBookingList", listed)
    one = client.get(
        f"{API}/consults/bookings/{listed['items'][0]['id']}", headers=bearer(booked.doctor)
    )
    assert one.get_json()["phone_consult"] == "not_reached"
