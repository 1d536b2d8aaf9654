"""Who may act on treatment bookings: administrators set the clinic up but see no patient data
(as in the core); a doctor reads but does not cancel or move other people's bookings and prints
only their own day sheet; far-off dates are refused, never a 500."""

import pytest

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import bearer, create_doctor, create_user, login
from tests.treatments.helpers import NO, at, small_clinic
from treatments.models import Booking
from treatments.services import bookings
from treatments.services.bookings import Request


def booked():
    practitioner, patient, therapy = small_clinic()
    booking = bookings.book(
        patient.user, patient, Request(therapy, at(2, 9), practitioner.user_id, dict(NO))
    )
    db.session.commit()
    return booking, patient


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/treatments/book?patient_id={patient}"),
        ("get", "/treatments/bookings/{booking}"),
        ("post", "/treatments/bookings/{booking}/cancel"),
        ("get", "/treatments/calendar"),
    ],
    ids=["book-for-a-patient", "open-a-booking", "cancel-a-booking", "the-calendar"],
)
def test_an_administrator_is_kept_from_patient_bookings(app, client, method, path):
    booking, patient = booked()
    login(client, create_user(Role.ADMIN))
    url = path.format(patient=patient.id, booking=booking.id)
    response = getattr(client, method)(url, data={"reason": "x"})
    assert response.status_code == 403
    assert db.session.get(Booking, booking.id).status == "booked"


def test_an_administrator_cannot_book_over_the_api(app, client):
    _booking, patient = booked()
    headers = bearer(create_user(Role.ADMIN))
    body = {"therapy": "acupuncture", "start": at(3, 9).isoformat(), "patient_id": patient.id}
    assert client.post("/api/v1/bookings", json=body, headers=headers).status_code == 403


@pytest.mark.parametrize("action", ["cancel", "reschedule"])
def test_a_doctor_cannot_cancel_or_move_a_patients_booking(app, client, action):
    booking, _patient = booked()
    login(client, db.session.get(Booking, booking.id).practitioner.user)
    response = client.post(f"/treatments/bookings/{booking.id}/{action}", data={"reason": "x"})
    assert response.status_code == 403
    assert db.session.get(Booking, booking.id).status == "booked"


def test_a_doctor_prints_only_their_own_day_sheet(app, client):
    booking, _patient = booked()
    other = create_doctor()
    db.session.commit()
    login(client, other)
    day = at(2, 9).date().isoformat()
    url = f"/treatments/day-sheet.pdf?date={day}&practitioner_id={booking.practitioner_id}"
    response = client.get(url)
    assert response.status_code == 200
    assert "王丽".encode() not in response.data  # the sheet is the doctor's own, empty one


def test_a_start_centuries_away_is_not_a_500(app, client):
    _booking, patient = booked()
    login(client, patient.user)
    response = client.get(
        "/treatments/book?therapy=acupuncture&start=9999-12-31T23:00:00%2B00:00&practitioner_id=1"
    )
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("asked", "books_for"),
    [(None, "self"), ("", "self"), ("ward", "ward"), ("self", "self")],
    ids=[
        "no patient named: the account's own",
        "an empty one: the account's own",
        "a ward of the account",
        "the account's own, named",
    ],
)
def test_a_patient_account_books_for_itself_or_a_ward_and_chooses_between_them(
    app, asked, books_for
):
    from tests.factories import create_child, create_patient
    from treatments.services import access

    patient = create_patient()
    create_patient(name="陌生人")  # someone else, never among the choices
    ward = create_child(patient)
    db.session.commit()
    named = {"self": patient, "ward": ward}
    patient_id = named[asked].id if asked in named else asked
    found, choices = access.patients_to_book_for(patient.user, patient_id)
    assert found is named[books_for]
    assert choices == [patient, ward]


@pytest.mark.parametrize(
    "asked",
    ["stranger", "x", "-1"],
    ids=["someone else's patient", "not a number", "a negative number"],
)
def test_a_patient_account_cannot_book_for_anyone_else(app, asked):
    from tcm_app.common.errors import NotFoundError
    from tests.factories import create_patient
    from treatments.services import access

    patient = create_patient()
    stranger = create_patient(name="陌生人")
    db.session.commit()
    with pytest.raises(NotFoundError):
        access.patients_to_book_for(patient.user, stranger.id if asked == "stranger" else asked)
