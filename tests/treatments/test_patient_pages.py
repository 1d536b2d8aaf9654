"""Patient treatment pages: book a session in three steps, refusals shown on the page with other
times offered, cancel and reschedule under the cut-off, someone else's booking not found; the
course a doctor recommends, previewed date by date and booked whole or not at all."""

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tcm_app.extensions import db
from tcm_app.labels import error_message, label
from tcm_app.models.accounts import Role
from tests.factories import create_child, create_encounter, create_patient, create_user, login
from tests.treatments.helpers import NO, at, clinic_today, small_clinic
from treatments.models import Booking, CourseRecommendation
from treatments.services import bookings, recommendations
from treatments.services.bookings import Request
from treatments.services.catalogue import add_exception, therapy_by_code

# Today and tomorrow in the clinic: make test-clock runs these at 00:30, 08:30 and 23:30.
pytestmark = pytest.mark.clock

ALL_NO = {code: "no" for code in NO}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def message(app, code) -> str:
    with app.test_request_context():
        return str(error_message(code))


def confirm(client, therapy, start, practitioner, answers=ALL_NO, **extra):
    data = {
        "therapy": therapy.code,
        "start": start.isoformat(),
        "practitioner_id": practitioner.user_id,
        **answers,
        **extra,
    }
    return client.post("/treatments/book", data=data)


def book_directly(patient, therapy, start, practitioner):
    booking = bookings.book(
        patient.user, patient, bookings.Request(therapy, start, practitioner.user_id, dict(NO))
    )
    db.session.commit()
    return booking


def test_patient_books_a_session_in_three_steps(app, client):
    practitioner, patient, therapy = small_clinic()
    login(client, patient.user)
    day = clinic_today() + timedelta(days=1)
    step2 = text(client.get(f"/treatments/book?therapy=acupuncture&day={day.isoformat()}"))
    assert "09:00" in step2 and practitioner.user.full_name in step2
    link = re.search(r'href="(/treatments/book\?therapy=acupuncture&start=[^"]+)"', step2)
    step3 = client.get(link.group(1))
    assert step3.status_code == 200
    questions = screening_questions(app, therapy)
    assert all(question in text(step3) for question in questions)
    response = confirm(client, therapy, at(1, 9), practitioner)
    assert response.status_code == 302
    booking = db.session.scalar(sa.select(Booking))
    assert response.headers["Location"].endswith(f"/treatments/bookings/{booking.id}")
    page = text(client.get(response.headers["Location"]))
    assert (
        message(app, "booked") in page
        and practitioner.user.full_name in page
        and booking.resource.name in page
    )
    mine = text(client.get("/treatments/"))
    assert f"/treatments/bookings/{booking.id}" in mine


def screening_questions(app, therapy) -> list[str]:
    from treatments.screening import questions_for

    with app.test_request_context():
        return [label(code) for code in questions_for(therapy.contraindications, "booking")]


def test_an_empty_day_shows_the_first_free_day_after_it(app, client):
    practitioner, patient, _therapy = small_clinic()
    day = clinic_today() + timedelta(days=2)
    add_exception(practitioner.user_id, day, "leave")
    db.session.commit()
    login(client, patient.user)
    page = text(client.get(f"/treatments/book?therapy=acupuncture&day={day.isoformat()}"))
    later = (day + timedelta(days=1)).isoformat()
    assert f"start={later}T01:00:00" in page  # 09:00 in Shanghai, in UTC in the link
    assert f"start={day.isoformat()}" not in page


def test_an_unanswered_screening_question_is_a_form_error(app, client):
    practitioner, patient, therapy = small_clinic()
    login(client, patient.user)
    answers = dict(ALL_NO)
    answers.pop("severe_illness")
    response = confirm(client, therapy, at(1, 9), practitioner, answers)
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


@pytest.mark.parametrize(
    ("setup", "start", "code"),
    [
        pytest.param(None, lambda: at(1, 14), "outside_hours", id="outside-hours-offers-times"),
        pytest.param("other_patient", lambda: at(1, 9), "slot_taken", id="taken-offers-times"),
        pytest.param("same_patient", lambda: at(1, 9), "patient_busy", id="patient-busy"),
    ],
)
def test_refusals_are_shown_with_the_times_offered_instead(app, client, setup, start, code):
    practitioner, patient, therapy = small_clinic(beds=1 if setup == "other_patient" else 2)
    if setup == "other_patient":
        book_directly(create_patient(name="李明"), therapy, at(1, 9), practitioner)
    if setup == "same_patient":
        book_directly(patient, therapy_by_code("cupping"), at(1, 9, 15), practitioner)
        create_practitioner_for_acupuncture()
    login(client, patient.user)
    other = practitioner
    if setup == "same_patient":
        other = db.session.scalar(
            sa.select(type(practitioner)).where(type(practitioner).user_id != practitioner.user_id)
        )
    response = confirm(client, therapy, start(), other)
    assert response.status_code == 422
    page = text(response)
    assert message(app, code) in page
    offered = re.findall(r'href="/treatments/book\?therapy=acupuncture&start=', page)
    assert offered, "other free times are offered as links"


def create_practitioner_for_acupuncture():
    from tests.factories import create_practitioner

    create_practitioner(qualifications=("acupuncture",))
    db.session.commit()


def test_a_blocking_answer_names_the_question_and_books_nothing(app, client):
    practitioner, patient, therapy = small_clinic()
    login(client, patient.user)
    response = confirm(client, therapy, at(1, 9), practitioner, {**ALL_NO, "severe_illness": "yes"})
    assert response.status_code == 422
    page = text(response)
    with app.test_request_context():
        assert str(label("severe_illness")) in page.split('role="alert"')[1]
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


def test_a_recorded_pregnancy_is_said_on_the_confirm_page(app, client):
    practitioner, patient, _therapy = small_clinic()
    patient.pregnancy_status = "pregnant"
    db.session.commit()
    login(client, patient.user)
    page = client.get(
        "/treatments/book",
        query_string={
            "therapy": "acupuncture",
            "start": at(1, 9).isoformat(),
            "practitioner_id": practitioner.user_id,
        },
    )
    assert 'class="notice"' in page.get_data(as_text=True)


def test_cancel_needs_a_reason_then_frees_the_place(app, client):
    practitioner, patient, therapy = small_clinic()
    app.config["TREATMENT_CANCEL_HOURS"] = 1
    booking = book_directly(patient, therapy, at(2, 9), practitioner)
    login(client, patient.user)
    url = f"/treatments/bookings/{booking.id}/cancel"
    assert client.post(url, data={"reason": ""}).status_code == 422
    assert client.post(url, data={"reason": "出差"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "cancelled"


def test_past_the_cut_off_the_patient_is_told_to_call_the_clinic(app, client):
    practitioner, patient, therapy = small_clinic()
    booking = book_directly(patient, therapy, at(1, 9), practitioner)
    app.config["TREATMENT_CANCEL_HOURS"] = 24 * 5
    login(client, patient.user)
    page = client.get(f"/treatments/bookings/{booking.id}").get_data(as_text=True)
    assert 'name="reason"' not in page
    response = client.post(f"/treatments/bookings/{booking.id}/cancel", data={"reason": "有事"})
    assert response.status_code == 422
    assert message(app, "past_cancel_cutoff") in text(response)
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "booked"


def test_reschedule_moves_the_booking_to_a_chosen_free_time(app, client):
    practitioner, patient, therapy = small_clinic()
    app.config["TREATMENT_CANCEL_HOURS"] = 1
    booking = book_directly(patient, therapy, at(2, 9), practitioner)
    login(client, patient.user)
    day = (clinic_today() + timedelta(days=3)).isoformat()
    url = f"/treatments/bookings/{booking.id}/reschedule"
    page = text(client.get(url, query_string={"day": day}))
    value = f"{at(3, 10).isoformat()}|{practitioner.user_id}"
    assert f'value="{value}"' in page
    response = client.post(url, data={"day": day, "slot": value})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).starts_at == at(3, 10)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/treatments/bookings/{id}"),
        ("post", "/treatments/bookings/{id}/cancel"),
        ("get", "/treatments/bookings/{id}/reschedule"),
    ],
    ids=["view", "cancel", "reschedule"],
)
def test_someone_elses_booking_is_not_found(app, client, method, path):
    practitioner, patient, therapy = small_clinic()
    booking = book_directly(patient, therapy, at(2, 9), practitioner)
    stranger = create_patient(name="李四")
    db.session.commit()
    login(client, stranger.user)
    response = getattr(client, method)(path.format(id=booking.id), data={"reason": "x"})
    assert response.status_code == 404


def test_a_guardian_books_for_a_ward(app, client):
    practitioner, patient, therapy = small_clinic()
    child = create_child(patient)
    db.session.commit()
    login(client, patient.user)
    page = text(client.get("/treatments/book"))
    assert child.legal_name in page
    response = confirm(client, therapy, at(1, 9), practitioner, patient_id=child.id)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Booking.patient_id)) == child.id


def test_the_desk_books_for_a_named_patient(app, client):
    practitioner, patient, therapy = small_clinic()
    desk = create_user(Role.CLINIC, username="desk")
    db.session.commit()
    login(client, desk)
    assert client.get("/treatments/book").status_code == 404  # no patient named
    page = text(client.get(f"/treatments/book?patient_id={patient.id}"))
    assert patient.legal_name in page
    response = confirm(client, therapy, at(1, 9), practitioner, patient_id=patient.id)
    assert response.status_code == 302
    booking = db.session.scalar(sa.select(Booking))
    assert (booking.patient_id, booking.booked_by_id) == (patient.id, desk.id)


# --- courses --------------------------------------------------------------------------------


def recommended(practitioner, patient, **numbers):
    encounter = create_encounter(patient=patient, doctor=practitioner.user)
    pattern = {"sessions": 4, "every_days": 2, "course_length": 0, "rest_days": 0, **numbers}
    rec = recommendations.recommend(
        encounter, practitioner.user, "acupuncture", note="颈肩痛", **pattern
    )
    db.session.commit()
    return rec


def test_the_doctor_recommends_a_course_on_their_encounter(app, client):
    practitioner, patient, _therapy = small_clinic()
    encounter = create_encounter(patient=patient, doctor=practitioner.user)
    db.session.commit()
    login(client, practitioner.user)
    page = client.get(f"/encounters/{encounter.id}").get_data(as_text=True)
    assert f"/treatments/encounters/{encounter.id}/courses" in page
    form = {"therapy": "acupuncture", "sessions": 10, "every_days": 2}
    form |= {"course_length": 10, "rest_days": 3, "note": "每周三次"}
    response = client.post(f"/treatments/encounters/{encounter.id}/courses", data=form)
    assert response.status_code == 302
    rec = db.session.scalar(sa.select(CourseRecommendation))
    assert (rec.sessions, rec.every_days, rec.rest_days) == (10, 2, 3)


@pytest.mark.parametrize(
    ("field", "value"),
    [("sessions", 31), ("sessions", 0), ("every_days", 8), ("rest_days", 15), ("sessions", "x")],
    ids=["too-many-sessions", "no-session", "less-than-weekly", "too-long-a-rest", "not-a-number"],
)
def test_bad_course_numbers_are_a_form_error(app, client, field, value):
    practitioner, patient, _therapy = small_clinic()
    encounter = create_encounter(patient=patient, doctor=practitioner.user)
    db.session.commit()
    login(client, practitioner.user)
    form = {"therapy": "acupuncture", "sessions": 10, "every_days": 2}
    form |= {"course_length": 10, "rest_days": 3, field: value}
    response = client.post(f"/treatments/encounters/{encounter.id}/courses", data=form)
    assert response.status_code == 422
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CourseRecommendation.id))) == 0


def test_another_doctors_encounter_takes_no_recommendation(app, client):
    practitioner, patient, _therapy = small_clinic()
    encounter = create_encounter(patient=patient, doctor=practitioner.user)
    other = create_user(Role.DOCTOR, username="dr-other")
    db.session.commit()
    login(client, other)
    form = {"therapy": "acupuncture", "sessions": 10, "every_days": 2}
    response = client.post(f"/treatments/encounters/{encounter.id}/courses", data=form)
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(CourseRecommendation.id))) == 0


def course_query(practitioner, first_day, hour=9):
    return {
        "practitioner_id": practitioner.user_id,
        "first_day": first_day.isoformat(),
        "at": f"{hour:02d}:00",
    }


def test_the_patient_sees_the_course_and_books_it_whole(app, client):
    practitioner, patient, _therapy = small_clinic()
    rec = recommended(practitioner, patient)
    login(client, patient.user)
    mine = client.get("/treatments/").get_data(as_text=True)
    assert f"/treatments/courses/{rec.id}/book" in mine
    visit = client.get(f"/encounters/{rec.encounter_id}").get_data(as_text=True)
    assert f"/treatments/courses/{rec.id}/book" in visit
    first = clinic_today() + timedelta(days=1)
    url = f"/treatments/courses/{rec.id}/book"
    preview = client.get(url, query_string=course_query(practitioner, first)).get_data(as_text=True)
    for n in range(4):
        assert (first + timedelta(days=2 * n)).isoformat() in preview
    response = client.post(url, data={**course_query(practitioner, first), **ALL_NO})
    assert response.status_code == 302
    starts = db.session.scalars(sa.select(Booking.starts_at).order_by(Booking.starts_at)).all()
    assert starts == [at(1 + 2 * n, 9) for n in range(4)]
    assert f"/treatments/courses/{rec.id}/book" not in client.get("/treatments/").get_data(
        as_text=True
    )


def test_a_course_that_does_not_fit_names_the_dates_and_books_nothing(app, client):
    practitioner, patient, _therapy = small_clinic()
    rec = recommended(practitioner, patient)
    blocked = clinic_today() + timedelta(days=5)  # the third session
    add_exception(practitioner.user_id, blocked, "leave")
    db.session.commit()
    login(client, patient.user)
    first = clinic_today() + timedelta(days=1)
    url = f"/treatments/courses/{rec.id}/book"
    preview = text(client.get(url, query_string=course_query(practitioner, first)))
    assert blocked.isoformat() in preview.split('role="alert"')[1]
    assert "Book all" not in preview and "at=" in preview  # alternatives to try instead
    response = client.post(url, data={**course_query(practitioner, first), **ALL_NO})
    assert response.status_code == 422
    assert blocked.isoformat() in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


def test_a_course_refused_at_booking_shows_the_conflicting_dates(app, client):
    """The place went between preview and confirm: nothing is booked and the date is named."""
    practitioner, patient, therapy = small_clinic()
    rec = recommended(practitioner, patient)
    login(client, patient.user)
    first = clinic_today() + timedelta(days=1)
    taken = first + timedelta(days=2)
    url = f"/treatments/courses/{rec.id}/book"
    assert client.get(url, query_string=course_query(practitioner, first)).status_code == 200
    other = create_patient(name="李明")
    days_ahead = (taken - clinic_today()).days
    bookings.book(other.user, other, Request(therapy, at(days_ahead, 9), practitioner.user_id, NO))
    db.session.commit()
    response = client.post(url, data={**course_query(practitioner, first), **ALL_NO})
    assert response.status_code == 422
    assert f'<li class="warn">{taken.isoformat()}' in text(response)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Booking.id)).where(Booking.patient_id == patient.id)
        )
        == 0
    )


def test_someone_elses_course_is_not_found(app, client):
    practitioner, patient, _therapy = small_clinic()
    rec = recommended(practitioner, patient)
    stranger = create_patient(name="李四")
    db.session.commit()
    login(client, stranger.user)
    assert client.get(f"/treatments/courses/{rec.id}/book").status_code == 404
