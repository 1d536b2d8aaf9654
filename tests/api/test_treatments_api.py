"""Treatment booking over the API: therapies, availability, booking and its refusals, who may
see and move which booking."""

from datetime import timedelta

import pytest

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.api.helpers import API, api_error, forget_uncommitted
from tests.api.test_openapi import check
from tests.factories import (
    bearer,
    create_bed,
    create_child,
    create_patient,
    create_pharmacist,
    create_practitioner,
    create_user,
)
from tests.treatments.helpers import NO, at, clinic_today, small_clinic
from treatments.models import Booking, BookingCell
from treatments.screening import questions_for
from treatments.services.catalogue import therapy_by_code


def answers(therapy, **yes) -> dict:
    return {q: yes.get(q, False) for q in questions_for(therapy.contraindications, "booking")}


def body(therapy, start, practitioner, **extra) -> dict:
    return {
        "therapy": therapy.code,
        "start": start.isoformat() if hasattr(start, "isoformat") else start,
        "practitioner_id": practitioner.user_id,
        "answers": answers(therapy),
        **extra,
    }


def search(client, headers, therapy="acupuncture", first=1, last=1, **params):
    query = {
        "therapy": therapy,
        "from": (clinic_today() + timedelta(days=first)).isoformat(),
        "to": (clinic_today() + timedelta(days=last)).isoformat(),
        **params,
    }
    query = {k: v for k, v in query.items() if v is not None}
    return client.get(f"{API}/treatments/availability", headers=headers, query_string=query)


def book(client, headers, payload):
    return client.post(f"{API}/bookings", headers=headers, json=payload)


# --- therapies and availability -----------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PATIENT, Role.PHARMACIST, Role.CLINIC])
def test_any_signed_in_role_lists_the_therapies(app, client, role):
    user = create_pharmacist() if role == Role.PHARMACIST else create_user(role)
    response = client.get(f"{API}/treatments/therapies", headers=bearer(user))
    assert response.status_code == 200
    therapies = {t["code"]: t for t in response.get_json()["items"]}
    acupuncture = therapies["acupuncture"]
    assert acupuncture["minutes"] == 40 and acupuncture["name"]
    assert "severe_illness" in acupuncture["questions"]
    assert "fasting_or_exhausted" not in acupuncture["questions"]  # asked on the day


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/treatments/therapies"),
        ("get", "/treatments/availability?therapy=acupuncture"),
        ("post", "/bookings"),
        ("get", "/bookings"),
        ("get", "/bookings/1"),
        ("post", "/bookings/1/cancel"),
        ("post", "/bookings/1/reschedule"),
    ],
)
def test_without_a_token_every_treatment_endpoint_answers_401(app, client, method, path):
    response = getattr(client, method)(f"{API}{path}", json={})
    api_error(response, 401, "unauthenticated")


def test_availability_lists_the_free_starts_of_the_day(app, client):
    practitioner, patient, _ = small_clinic()
    response = search(client, bearer(patient.user))
    assert response.status_code == 200
    slots = response.get_json()["items"]
    assert slots[0]["start"] == at(1, 9).isoformat()
    assert slots[-1]["start"] == at(1, 11, 15).isoformat()  # 40 minutes end by 12:00
    assert {s["practitioner_id"] for s in slots} == {practitioner.user_id}


def test_availability_for_one_practitioner_leaves_out_the_others(app, client):
    _, patient, _ = small_clinic()
    other = create_practitioner(hours=((14, 0), (17, 0)))
    response = search(client, bearer(patient.user), practitioner_id=other.user_id)
    slots = response.get_json()["items"]
    assert slots and {s["practitioner_id"] for s in slots} == {other.user_id}


def test_availability_leaves_out_times_the_patient_is_already_booked(app, client):
    practitioner, patient, therapy = small_clinic(beds=2)
    other = create_practitioner()
    headers = bearer(patient.user)
    assert book(client, headers, body(therapy, at(1, 9), practitioner)).status_code == 201
    mine = search(client, headers, practitioner_id=other.user_id).get_json()["items"]
    assert at(1, 9).isoformat() not in {s["start"] for s in mine}
    desk = bearer(create_user(Role.CLINIC))
    anyone = search(client, desk, practitioner_id=other.user_id).get_json()["items"]
    assert at(1, 9).isoformat() in {s["start"] for s in anyone}


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        pytest.param({"therapy": None}, 422, "bad_therapy", id="therapy-missing"),
        pytest.param({"therapy": "no_such"}, 404, "unknown_therapy", id="therapy-unknown"),
        pytest.param({"therapy": "Acu Puncture!"}, 422, "bad_therapy", id="therapy-not-a-code"),
        pytest.param({"from": None}, 422, "bad_from", id="from-missing"),
        pytest.param({"to": "2026-13-40"}, 422, "bad_to", id="to-not-a-date"),
        pytest.param({"to": "tomorrow"}, 422, "bad_to", id="to-not-iso"),
        pytest.param({"first": 3, "last": 1}, 422, "bad_range", id="to-before-from"),
        pytest.param({"last": 70}, 422, "range_too_long", id="range-longer-than-allowed"),
        pytest.param({"practitioner_id": "x"}, 422, "bad_practitioner_id", id="practitioner-nan"),
        pytest.param(
            {"practitioner_id": "999999"}, 404, "unknown_practitioner", id="practitioner-unknown"
        ),
    ],
)
def test_bad_availability_searches_are_refused_clearly(app, client, params, status, code):
    _, patient, _ = small_clinic()
    first, last = params.pop("first", 1), params.pop("last", 1)
    response = search(client, bearer(patient.user), first=first, last=last, **params)
    api_error(response, status, code)


def test_an_unqualified_practitioner_is_refused_in_the_search(app, client):
    _, patient, _ = small_clinic()
    masseur = create_practitioner(qualifications=("tuina",))
    response = search(client, bearer(patient.user), practitioner_id=masseur.user_id)
    error = api_error(response, 422, "not_qualified")
    assert str(masseur.user_id) not in error["fields"]["practitioner_id"]


# --- booking -------------------------------------------------------------------------------


def test_a_patient_books_a_free_slot_and_reads_it_back(app, client):
    practitioner, patient, therapy = small_clinic()
    headers = bearer(patient.user)
    response = book(client, headers, body(therapy, at(1, 9), practitioner))
    assert response.status_code == 201, response.get_json()
    booking = response.get_json()
    assert booking["status"] == "booked" and booking["therapy"] == "acupuncture"
    assert booking["start"] == at(1, 9).isoformat()
    assert booking["end"] == at(1, 9, 40).isoformat()
    assert booking["practitioner_id"] == practitioner.user_id
    assert booking["patient_id"] == patient.id and booking["screening_outcome"] == "clear"
    detail = client.get(f"{API}/bookings/{booking['id']}", headers=headers).get_json()
    assert detail == booking
    listed = client.get(f"{API}/bookings", headers=headers).get_json()["items"]
    assert [b["id"] for b in listed] == [booking["id"]]


def test_a_start_without_an_offset_is_clinic_local_time(app, client):
    practitioner, patient, therapy = small_clinic()
    local = f"{(clinic_today() + timedelta(days=1)).isoformat()}T10:00:00"
    response = book(client, bearer(patient.user), body(therapy, local, practitioner))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["start"] == at(1, 10).isoformat()


def test_a_flagged_answer_books_and_shows_the_flag(app, client):
    practitioner, patient, therapy = small_clinic()
    payload = body(therapy, at(1, 9), practitioner)
    payload["answers"]["bleeding_risk"] = True  # a flag for acupuncture
    response = book(client, bearer(patient.user), payload)
    assert response.status_code == 201
    assert response.get_json()["screening_outcome"] == "flag"
    assert response.get_json()["flags"] == ["bleeding_risk"]


def test_booking_matches_its_documented_schema(app, client):
    practitioner, patient, therapy = small_clinic()
    headers = bearer(patient.user)
    document = client.get(f"{API}/openapi.json").get_json()
    booking = book(client, headers, body(therapy, at(1, 9), practitioner)).get_json()
    check(document, "Booking", booking)
    check(document, "BookingList", client.get(f"{API}/bookings", headers=headers).get_json())
    check(document, "TreatmentSlotList", search(client, headers).get_json())
    check(
        document,
        "TherapyList",
        client.get(f"{API}/treatments/therapies", headers=headers).get_json(),
    )


def test_the_last_place_taken_is_a_409_with_alternatives(app, client):
    practitioner, patient, therapy = small_clinic()
    assert book(client, bearer(patient.user), body(therapy, at(1, 9), practitioner)).status_code
    other = create_patient(name="李明")
    response = book(client, bearer(other.user), body(therapy, at(1, 9), practitioner))
    error = api_error(response, 409, "slot_taken")
    assert error["fields"]["alternatives"][0]["start"] == at(1, 9, 45).isoformat()


def test_a_patient_booked_elsewhere_at_that_time_is_a_409(app, client):
    practitioner, patient, therapy = small_clinic(beds=2)
    second = create_practitioner()
    headers = bearer(patient.user)
    assert book(client, headers, body(therapy, at(1, 9), practitioner)).status_code == 201
    response = book(client, headers, body(therapy, at(1, 9, 15), second))
    api_error(response, 409, "patient_busy")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        pytest.param({"start": lambda: at(1, 14).isoformat()}, "outside_hours", id="outside-hours"),
        pytest.param({"start": lambda: at(-1, 10).isoformat()}, "in_the_past", id="in-the-past"),
        pytest.param({"start": lambda: "next tuesday"}, "bad_start", id="start-not-iso"),
        pytest.param({"start": lambda: "0001-01-01T00:00:00"}, "bad_start", id="start-year-1"),
        pytest.param({"answers": lambda: {}}, "screening_incomplete", id="screening-unanswered"),
        pytest.param({"answers": lambda: {"severe_illness": "maybe"}}, "invalid", id="bad-answer"),
        pytest.param({"therapy": lambda: None}, "invalid", id="therapy-missing"),
        pytest.param({"practitioner_id": lambda: "7"}, "invalid", id="practitioner-id-string"),
        pytest.param({"practitioner_id": lambda: 2**40}, "invalid", id="practitioner-id-huge"),
    ],
)
def test_bad_bookings_are_refused_with_a_reason(app, client, change, code):
    practitioner, patient, therapy = small_clinic()
    payload = body(therapy, at(1, 9), practitioner)
    for key, value in change.items():
        payload[key] = value()
    payload = {k: v for k, v in payload.items() if v is not None}
    api_error(book(client, bearer(patient.user), payload), 422, code)
    forget_uncommitted()
    assert db.session.query(Booking).count() == 0


def test_a_contraindication_that_blocks_refuses_the_booking(app, client):
    practitioner, patient, _ = small_clinic()
    cupping = therapy_by_code("cupping")
    payload = body(cupping, at(1, 9), practitioner)
    payload["answers"] = answers(cupping, bleeding_risk=True)
    error = api_error(book(client, bearer(patient.user), payload), 422, "contraindicated")
    assert "bleeding_risk" in error["fields"]


def test_an_unqualified_practitioner_is_refused_at_booking(app, client):
    _, patient, _ = small_clinic()
    masseur = create_practitioner(qualifications=("tuina",))
    therapy = therapy_by_code("acupuncture")
    response = book(client, bearer(patient.user), body(therapy, at(1, 9), masseur))
    api_error(response, 422, "not_qualified")


@pytest.mark.parametrize(
    "payload",
    [[], "text", 7, None, {"therapy": ["acupuncture"]}, {"answers": [1, 2]}],
    ids=["list", "string", "number", "null", "therapy-a-list", "answers-a-list"],
)
def test_any_body_shape_is_a_422_never_a_500(app, client, payload):
    _, patient, _ = small_clinic()
    response = client.post(f"{API}/bookings", headers=bearer(patient.user), json=payload)
    assert response.status_code == 422, response.get_data(as_text=True)


def test_the_desk_must_name_the_patient(app, client):
    practitioner, patient, therapy = small_clinic()
    desk = bearer(create_user(Role.CLINIC))
    response = book(client, desk, body(therapy, at(1, 9), practitioner))
    error = api_error(response, 422, "patient_required")
    assert error["fields"] == {"patient_id": ["required"]}
    named = book(client, desk, body(therapy, at(1, 9), practitioner, patient_id=patient.id))
    assert named.status_code == 201 and named.get_json()["patient_id"] == patient.id


def test_a_guardian_books_for_a_ward_but_not_for_a_stranger(app, client):
    practitioner, patient, therapy = small_clinic(beds=2)
    child = create_child(patient)
    stranger = create_patient(name="赵敏")
    headers = bearer(patient.user)
    ward = book(client, headers, body(therapy, at(1, 9), practitioner, patient_id=child.id))
    assert ward.status_code == 201 and ward.get_json()["patient_id"] == child.id
    response = book(client, headers, body(therapy, at(1, 10), practitioner, patient_id=stranger.id))
    api_error(response, 404)


def test_a_doctor_may_not_book_over_the_api(app, client):
    practitioner, patient, therapy = small_clinic()
    doctor = bearer(practitioner.user)
    response = book(client, doctor, body(therapy, at(1, 9), practitioner, patient_id=patient.id))
    api_error(response, 403)


# --- seeing, cancelling, rescheduling ---------------------------------------------------------


def booked(client, patient, practitioner, therapy, start=None) -> int:
    response = book(client, bearer(patient.user), body(therapy, start or at(2, 9), practitioner))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_patient_cannot_see_or_move_someone_elses_booking(app, client):
    practitioner, patient, therapy = small_clinic()
    booking_id = booked(client, patient, practitioner, therapy)
    stranger = bearer(create_patient(name="赵敏").user)
    api_error(client.get(f"{API}/bookings/{booking_id}", headers=stranger), 404)
    cancel = client.post(
        f"{API}/bookings/{booking_id}/cancel", headers=stranger, json={"reason": "mine now"}
    )
    api_error(cancel, 404, "booking_not_found")
    move = client.post(
        f"{API}/bookings/{booking_id}/reschedule",
        headers=stranger,
        json={"start": at(2, 10).isoformat()},
    )
    api_error(move, 404, "booking_not_found")
    assert client.get(f"{API}/bookings", headers=stranger).get_json() == {"items": []}


def test_a_patient_cancels_their_booking_with_a_reason_and_frees_the_place(app, client):
    practitioner, patient, therapy = small_clinic()
    booking_id = booked(client, patient, practitioner, therapy)
    headers = bearer(patient.user)
    url = f"{API}/bookings/{booking_id}/cancel"
    api_error(client.post(url, headers=headers, json={}), 422, "invalid")
    response = client.post(url, headers=headers, json={"reason": "出差"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert response.get_json()["cancel_reason"] == "出差"
    forget_uncommitted()
    assert db.session.query(BookingCell).count() == 0
    api_error(client.post(url, headers=headers, json={"reason": "again"}), 409)
    cancelled = client.get(f"{API}/bookings?status=cancelled", headers=headers).get_json()
    assert [b["id"] for b in cancelled["items"]] == [booking_id]
    api_error(client.get(f"{API}/bookings?status=gone", headers=headers), 422, "bad_status")


def test_the_desk_cancels_any_booking(app, client):
    practitioner, patient, therapy = small_clinic()
    booking_id = booked(client, patient, practitioner, therapy)
    desk = bearer(create_user(Role.CLINIC))
    response = client.post(
        f"{API}/bookings/{booking_id}/cancel", headers=desk, json={"reason": "practitioner ill"}
    )
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"


def test_a_patient_reschedules_to_another_free_time(app, client):
    practitioner, patient, therapy = small_clinic()
    booking_id = booked(client, patient, practitioner, therapy)
    headers = bearer(patient.user)
    url = f"{API}/bookings/{booking_id}/reschedule"
    response = client.post(url, headers=headers, json={"start": at(2, 10).isoformat()})
    assert response.status_code == 200, response.get_json()
    moved = response.get_json()
    assert moved["start"] == at(2, 10).isoformat() and moved["reschedule_count"] == 1
    api_error(client.post(url, headers=headers, json={"start": at(2, 15).isoformat()}), 422)
    api_error(
        client.post(url, headers=headers, json={"start": "soon-ish, please"}), 422, "bad_start"
    )


def test_a_second_bed_lets_two_patients_in_at_once(app, client):
    practitioner, patient, therapy = small_clinic()
    create_bed("bed-2")
    second = create_practitioner()
    other = create_patient(name="李明")
    assert booked(client, patient, practitioner, therapy, at(1, 9))
    assert booked(client, other, second, therapy, at(1, 9))
    forget_uncommitted()
    assert db.session.query(Booking).count() == 2


def test_the_screening_answers_shape_is_the_therapys(app):
    therapy = therapy_by_code("acupuncture")
    assert set(answers(therapy)) <= set(NO)
