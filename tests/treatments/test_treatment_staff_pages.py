"""Staff treatment pages: the day and week calendar by practitioner and by bed/room, the
booking actions (check-in with a second screening, no-show, the practitioner's record), roles,
and bad query parameters answered with a clear message instead of a 500."""

import re
from datetime import timedelta

import pytest
import time_machine

from tcm_app.common.masking import mask_name
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import (
    create_doctor,
    create_encounter,
    create_practitioner,
    create_user,
    login,
)
from tests.treatments.helpers import NO, at, clinic_today, small_clinic
from treatments.models import Booking, BookingScreening, Practitioner, TreatmentResource
from treatments.services import bookings, catalogue, moves
from treatments.services.bookings import Request


@pytest.fixture
def frozen():
    """Pages and services see "now" as today 10:30 clinic time (check-in is on the day); a test
    moves it with `frozen.move_to(...)`."""
    with time_machine.travel(at(0, 10, 30), tick=False) as traveller:
        yield traveller


def book_today(hour=11, answers=NO, beds=2, name="王丽"):
    """A booking today at `hour` (booked at 07:00), with its practitioner and patient."""
    practitioner, patient, therapy = small_clinic(beds=beds)
    patient.legal_name = name
    booking = bookings.book(
        patient.user,
        patient,
        Request(therapy, at(0, hour), practitioner.user_id, dict(answers)),
        now=at(0, 7),
    )
    db.session.commit()
    return booking


def follow(client, path, data=None, method="post"):
    """Send, then open the page it redirects to (flashes show there)."""
    response = getattr(client, method)(path, data=data)
    if response.status_code != 302:
        return response
    return client.get(response.headers["Location"])


def desk(client):
    clerk = create_user(Role.CLINIC, username="desk-1", full_name="前台")
    db.session.commit()
    login(client, clerk)
    return clerk


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("get", "/treatments/calendar", id="calendar"),
        pytest.param("get", "/treatments/calendar?view=week", id="week-calendar"),
        pytest.param("get", "/treatments/day-sheet.pdf", id="day-sheet"),
        pytest.param("post", "/treatments/bookings/{id}/check-in", id="check-in"),
        pytest.param("post", "/treatments/bookings/{id}/no-show", id="no-show"),
        pytest.param("post", "/treatments/bookings/{id}/complete", id="complete"),
        pytest.param("post", "/treatments/calendar/feed-address", id="reset-feed"),
    ],
)
def test_a_patient_is_refused_the_staff_pages(app, client, method, path):
    booking = book_today()
    login(client, booking.patient.user)
    response = getattr(client, method)(path.format(id=booking.id))
    assert response.status_code == 403


def test_staff_pages_need_a_sign_in(app, client):
    book_today()
    assert client.get("/treatments/calendar").status_code == 302


def test_day_view_shows_each_booking_with_masked_name_and_flag(app, client):
    booking = book_today(answers={**NO, "bleeding_risk": True}, name="欧阳娜娜")
    desk(client)
    page = client.get(f"/treatments/calendar?date={clinic_today()}&lang=en").get_data(True)
    assert booking.practitioner.user.full_name in page
    assert mask_name("欧阳娜娜") in page and "欧阳娜娜" not in page
    assert "11:00–11:40" in page and booking.therapy.name in page
    assert "cal-flag" in page  # bleeding risk flags acupuncture
    assert f'href="/treatments/bookings/{booking.id}"' in page
    assert "08:00" in page and "17:45" in page  # 15-minute rows over the opening hours


def test_day_view_by_room_has_a_column_per_bed(app, client):
    booking = book_today(beds=3)
    desk(client)
    page = client.get(f"/treatments/calendar?by=room&date={clinic_today()}").get_data(True)
    beds = db.session.scalars(
        db.select(TreatmentResource).where(TreatmentResource.kind == "bed")
    ).all()
    assert len(beds) == 3
    for bed in beds:
        assert bed.name in page
    assert booking.therapy.name in page


def test_the_booking_block_spans_its_rows(app, client):
    book_today()
    desk(client)
    page = client.get(f"/treatments/calendar?date={clinic_today()}").get_data(True)
    assert 'rowspan="3"' in page  # 40 minutes from 11:00: the 11:00, 11:15 and 11:30 rows


def test_week_view_lists_the_days_bookings(app, client):
    booking = book_today()
    desk(client)
    page = client.get(f"/treatments/calendar?view=week&date={clinic_today()}").get_data(True)
    assert "11:00 " + booking.therapy.name in page
    assert page.count('<th scope="col"><a') == 7


def test_leave_and_clinic_holidays_are_shown(app, client):
    booking = book_today()
    # Next Monday and Tuesday: one week view shows both whatever today is (tomorrow and the day
    # after straddle two weeks on a Saturday, and the week view missed the holiday then).
    day = clinic_today() + timedelta(days=7 - clinic_today().weekday())
    holiday_day = day + timedelta(days=1)
    catalogue.add_exception(booking.practitioner_id, day, "leave")
    catalogue.add_exception(None, holiday_day, "holiday")
    db.session.commit()
    desk(client)
    leave = client.get(f"/treatments/calendar?date={day}&lang=en").get_data(True)
    assert "Leave" in leave
    week = client.get(f"/treatments/calendar?view=week&date={day}&lang=en").get_data(True)
    assert "Leave" in week and "Clinic holiday" in week
    holiday = client.get(f"/treatments/calendar?date={holiday_day}&lang=en")
    assert "The clinic is closed: Clinic holiday" in holiday.get_data(True)


def test_a_doctor_starts_on_their_own_column(app, client):
    booking = book_today()
    other = create_practitioner(user=create_doctor(username="dr-other"))
    other.user.full_name = "赵医生"
    db.session.commit()
    login(client, other.user)
    mine = client.get(f"/treatments/calendar?date={clinic_today()}").get_data(True)
    assert "赵医生" in mine and booking.practitioner.user.full_name not in mine.split("<table")[1]
    everyone = client.get(f"/treatments/calendar?date={clinic_today()}&practitioner_id=all")
    assert booking.therapy.name in everyone.get_data(True)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("date=2025-13-40", id="an-impossible-date"),
        pytest.param("date=tomorrow", id="a-date-in-words"),
        pytest.param("view=month", id="an-unknown-view"),
        pytest.param("by=nurse", id="an-unknown-grouping"),
        pytest.param("practitioner_id=abc", id="a-practitioner-id-that-is-not-a-number"),
        pytest.param("resource_id=1;drop", id="a-resource-id-that-is-not-a-number"),
        pytest.param("date=9999-12-31", id="a-date-centuries-away"),
    ],
)
def test_bad_calendar_parameters_get_a_clear_400(app, client, query):
    desk(client)
    response = client.get(f"/treatments/calendar?{query}&lang=en")
    assert response.status_code == 400
    assert 'class="flash flash-error"' in response.get_data(True)


def test_bad_day_sheet_date_is_a_message_not_a_500(app, client):
    desk(client)
    response = follow(client, "/treatments/day-sheet.pdf?date=31/12/2025", method="get")
    assert response.status_code == 200 and "flash-error" in response.get_data(True)


# --- booking actions ------------------------------------------------------------------------


def check_in(client, booking, **answers):
    data = {code: "no" for code in ("pregnant", "bleeding_risk", "skin_lesion_at_site")}
    data |= {"severe_illness": "no", "fasting_or_exhausted": "no"} | answers
    return follow(client, f"/treatments/bookings/{booking.id}/check-in", data)


def test_the_booking_page_shows_staff_the_check_in_questions(app, client, frozen):
    booking = book_today()
    desk(client)
    page = client.get(f"/treatments/bookings/{booking.id}").get_data(True)
    assert f"/treatments/bookings/{booking.id}/check-in" in page
    for code in ("fasting_or_exhausted", "severe_illness", "bleeding_risk"):
        assert f'name="{code}"' in page
    assert "screenings-title" in page  # the booking's screening is listed


def test_the_patient_does_not_see_the_staff_panel(app, client, frozen):
    booking = book_today()
    login(client, booking.patient.user)
    page = client.get(f"/treatments/bookings/{booking.id}").get_data(True)
    assert "/check-in" not in page and "screenings-title" not in page


def test_a_clear_check_in_checks_the_patient_in(app, client, frozen):
    booking = book_today()
    desk(client)
    response = check_in(client, booking)
    assert response.status_code == 200
    assert db.session.get(Booking, booking.id).status == "checked_in"


def test_a_blocking_answer_keeps_the_booking_and_says_reschedule(app, client, frozen):
    booking = book_today()
    desk(client)
    page = check_in(client, booking, fasting_or_exhausted="yes").get_data(True)
    assert db.session.get(Booking, booking.id).status == "booked"
    assert 'id="not-treated-today"' in page
    screenings = db.session.query(BookingScreening).filter_by(booking_id=booking.id).all()
    assert [s.outcome for s in screenings] == ["clear", "block"]


def test_a_flag_at_check_in_is_shown_to_the_practitioner(app, client, frozen):
    booking = book_today()
    desk(client)
    check_in(client, booking, bleeding_risk="yes")
    assert db.session.get(Booking, booking.id).status == "checked_in"
    client.post("/logout")
    login(client, booking.practitioner.user)
    page = client.get(f"/treatments/bookings/{booking.id}").get_data(True)
    assert 'id="screening-flag"' in page


def test_check_in_without_every_answer_is_refused(app, client, frozen):
    booking = book_today()
    desk(client)
    response = follow(client, f"/treatments/bookings/{booking.id}/check-in", {"pregnant": "no"})
    assert response.status_code == 200 and "flash-error" in response.get_data(True)
    assert db.session.get(Booking, booking.id).status == "booked"


def test_check_in_on_another_day_is_a_message(app, client, frozen):
    booking = book_today()
    frozen.move_to(at(-1, 10))
    desk(client)
    response = check_in(client, booking)
    assert response.status_code == 200 and "flash-error" in response.get_data(True)
    assert db.session.get(Booking, booking.id).status == "booked"


def complete(client, booking, **extra):
    data = {"points": "足三里、内关", "minutes_done": "30", "reaction": "无不适"} | extra
    return follow(client, f"/treatments/bookings/{booking.id}/complete", data)


def test_only_the_booked_practitioner_records_the_treatment(app, client, frozen):
    booking = book_today()
    moves.check_in(booking.patient.user, booking, NO, now=at(0, 10, 30))
    colleague = create_practitioner(user=create_doctor(username="dr-colleague"))
    # the colleague treats this patient too, so the booking is visible to them
    create_encounter(patient=booking.patient, doctor=colleague.user)
    db.session.commit()
    login(client, colleague.user)
    refused = complete(client, booking)
    assert "flash-error" in refused.get_data(True)
    assert db.session.get(Booking, booking.id).status == "checked_in"
    client.post("/logout")
    login(client, booking.practitioner.user)
    done = complete(client, booking)
    assert "flash-success" in done.get_data(True)
    recorded = db.session.get(Booking, booking.id)
    assert recorded.status == "completed" and recorded.points == "足三里、内关"
    assert recorded.minutes_done == 30


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"points": ""}, id="no-points"),
        pytest.param({"minutes_done": "0"}, id="zero-minutes"),
        pytest.param({"minutes_done": "many"}, id="minutes-in-words"),
    ],
)
def test_an_incomplete_record_is_refused(app, client, frozen, data):
    booking = book_today()
    moves.check_in(booking.patient.user, booking, NO, now=at(0, 10, 30))
    db.session.commit()
    login(client, booking.practitioner.user)
    response = complete(client, booking, **data)
    assert response.status_code == 200 and "flash-error" in response.get_data(True)
    assert db.session.get(Booking, booking.id).status == "checked_in"


def test_a_no_show_after_the_booked_time(app, client, frozen):
    booking = book_today()
    desk(client)
    early = follow(client, f"/treatments/bookings/{booking.id}/no-show")
    assert "flash-error" in early.get_data(True)
    frozen.move_to(at(0, 11, 30))
    page = client.get(f"/treatments/bookings/{booking.id}").get_data(True)
    assert f"/treatments/bookings/{booking.id}/no-show" in page
    client.post(f"/treatments/bookings/{booking.id}/no-show")
    assert db.session.get(Booking, booking.id).status == "no_show"


def test_a_second_check_in_is_a_message_not_a_500(app, client, frozen):
    booking = book_today()
    desk(client)
    check_in(client, booking)
    again = check_in(client, booking)
    assert again.status_code == 200 and "flash-error" in again.get_data(True)


def test_someone_elses_booking_is_not_found_for_a_doctor(app, client, frozen):
    booking = book_today()
    stranger = create_doctor(username="dr-stranger")
    db.session.commit()
    login(client, stranger)
    assert check_in(client, booking).status_code == 404


def test_a_practitioner_resets_their_feed_address(app, client):
    booking = book_today()
    user = booking.practitioner.user
    old = booking.practitioner.calendar_token
    login(client, user)
    page = client.get("/treatments/calendar").get_data(True)
    assert f"/treatments/practitioners/{user.id}/{old}.ics" in page
    client.post("/treatments/calendar/feed-address")
    db.session.expire_all()
    new = db.session.get(Practitioner, user.id).calendar_token
    assert new != old
    assert client.get(f"/treatments/practitioners/{user.id}/{old}.ics").status_code == 404
    assert client.get(f"/treatments/practitioners/{user.id}/{new}.ics").status_code == 200
    assert re.search(r"calendar-feed|feed-title", client.get("/treatments/calendar").get_data(True))


def test_staff_without_a_practitioner_record_see_no_feed(app, client):
    book_today()
    desk(client)
    assert "feed-title" not in client.get("/treatments/calendar").get_data(True)


@pytest.mark.parametrize(
    "path",
    [
        "/treatments/bookings/{id}/check-in",
        "/treatments/bookings/{id}/no-show",
        "/treatments/bookings/{id}/complete",
        "/treatments/calendar/feed-address",
    ],
)
@pytest.mark.parametrize("role", ["clinic", "doctor", "admin"])
def test_garbage_on_staff_forms_is_refused_without_a_server_error(app, client, path, role):
    booking = book_today()
    users = {
        "clinic": create_user(Role.CLINIC, username="g-clinic"),
        "doctor": booking.practitioner.user,
        "admin": create_user(Role.ADMIN, username="g-admin"),
    }
    db.session.commit()
    login(client, users[role])
    garbage = {
        "pregnant": "maybe",
        "fasting_or_exhausted": "\x00",
        "points": "x" * 5000,
        "minutes_done": "99999999999999999999",
        "next": "https://evil.example/",
    }
    response = client.post(path.format(id=booking.id), data=garbage)
    assert response.status_code < 500
    assert "evil.example" not in response.headers.get("Location", "")
