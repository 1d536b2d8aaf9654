"""The practitioner's iCalendar feed: opened by its secret address only, one event per booking
with a stable UID, UTC times, masked names and the bed; cancelled ones marked CANCELLED."""

from datetime import UTC

import pytest
from icalendar import Calendar

from tcm_app.common.masking import mask_name
from tcm_app.extensions import db
from tests.factories import create_doctor, create_patient, create_practitioner
from tests.treatments.helpers import NO, at, small_clinic
from treatments.services import bookings, moves
from treatments.services.bookings import Request

pytestmark = pytest.mark.clock


def feed_path(practitioner, token=None):
    token = token or practitioner.calendar_token
    return f"/treatments/practitioners/{practitioner.user_id}/{token}.ics"


def booked_week():
    """Two bookings two and three days ahead: past the 12-hour change limit at any hour (one
    "tomorrow 09:00" was inside it whenever the suite ran after 21:00 clinic time)."""
    practitioner, patient, therapy = small_clinic(beds=2)
    patient.legal_name = "欧阳娜娜"
    other = create_patient(name="李明")
    first = bookings.book(
        patient.user, patient, Request(therapy, at(2, 9), practitioner.user_id, dict(NO))
    )
    second = bookings.book(
        other.user, other, Request(therapy, at(3, 10), practitioner.user_id, dict(NO))
    )
    db.session.commit()
    return practitioner, first, second


def events(response) -> dict:
    calendar = Calendar.from_ical(response.data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_lists_each_booking_once_in_utc(app, client):
    practitioner, first, second = booked_week()
    response = client.get(feed_path(practitioner))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    found = events(response)
    assert set(found) == {f"booking-{first.id}@tcm-hospital", f"booking-{second.id}@tcm-hospital"}
    event = found[f"booking-{first.id}@tcm-hospital"]
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None and start.utcoffset().total_seconds() == 0
    assert start == first.starts_at.astimezone(UTC)
    assert event.decoded("DTEND") == first.ends_at.astimezone(UTC)
    assert str(event["LOCATION"]) == first.resource.name
    assert first.therapy.name in str(event["SUMMARY"]) and mask_name("欧阳娜娜") in str(
        event["SUMMARY"]
    )


def test_no_full_name_or_id_number_leaves_the_hospital(app, client):
    practitioner, first, second = booked_week()
    body = client.get(feed_path(practitioner)).data.decode()
    # folded lines are unfolded before searching
    unfolded = body.replace("\r\n ", "")
    for patient in (first.patient, second.patient):
        assert patient.legal_name not in unfolded and patient.id_number not in unfolded


def test_the_uid_stays_the_same_after_a_reschedule(app, client):
    practitioner, first, _ = booked_week()
    before = events(client.get(feed_path(practitioner)))[f"booking-{first.id}@tcm-hospital"]
    moves.reschedule(first.patient.user, first, at(4, 9))
    db.session.commit()
    after = events(client.get(feed_path(practitioner)))[f"booking-{first.id}@tcm-hospital"]
    assert after.decoded("DTSTART") == at(4, 9)
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


def test_a_cancelled_booking_is_marked_cancelled(app, client):
    practitioner, first, second = booked_week()
    moves.cancel(first.patient.user, first, "出差")
    db.session.commit()
    found = events(client.get(feed_path(practitioner)))
    assert str(found[f"booking-{first.id}@tcm-hospital"]["STATUS"]) == "CANCELLED"
    assert str(found[f"booking-{second.id}@tcm-hospital"]["STATUS"]) == "CONFIRMED"


def test_bookings_of_another_practitioner_are_not_in_the_feed(app, client):
    booked_week()
    colleague = create_practitioner(user=create_doctor(username="dr-feed"))
    db.session.commit()
    assert events(client.get(feed_path(colleague))) == {}


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda p: "x" * 32, id="a-guessed-token"),
        pytest.param(lambda p: p.calendar_token[:-1], id="a-token-one-character-short"),
        pytest.param(lambda p: p.calendar_token.upper(), id="a-token-in-other-case"),
    ],
)
def test_a_wrong_token_is_not_found(app, client, token):
    practitioner, _, _ = booked_week()
    assert client.get(feed_path(practitioner, token(practitioner))).status_code == 404


def test_a_token_opens_only_its_own_practitioners_feed(app, client):
    practitioner, _, _ = booked_week()
    colleague = create_practitioner(user=create_doctor(username="dr-token"))
    db.session.commit()
    path = f"/treatments/practitioners/{colleague.user_id}/{practitioner.calendar_token}.ics"
    assert client.get(path).status_code == 404
    assert client.get("/treatments/practitioners/99999/abc.ics").status_code == 404
