"""Booking service: one session, refusals that say why and offer other times, courses booked all
or nothing, cancel and reschedule under the cut-off, check-in screening, completion."""

from datetime import time, timedelta

import pytest

from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.extensions import db
from tests.factories import create_patient, create_practitioner
from tests.treatments.helpers import NO, at, clinic_today, small_clinic
from treatments.models import Booking, BookingCell
from treatments.services import bookings, courses, moves
from treatments.services.bookings import Request
from treatments.services.catalogue import therapy_by_code
from treatments.services.courses import CoursePlan


def request(therapy, start, practitioner, answers=NO):
    return Request(therapy, start, practitioner.user_id, dict(answers))


def test_a_free_slot_is_booked_and_holds_its_cells(app):
    practitioner, patient, therapy = small_clinic()
    booking = bookings.book(patient.user, patient, request(therapy, at(1, 9), practitioner))
    db.session.commit()
    assert booking.status == "booked"
    assert booking.ends_at - booking.starts_at == timedelta(minutes=therapy.minutes)
    cells = db.session.query(BookingCell).filter_by(booking_id=booking.id).count()
    assert cells == 3 * therapy.minutes // 5  # practitioner, seat, patient


@pytest.mark.parametrize(
    ("start", "code"),
    [
        pytest.param(lambda: at(-1, 10), "in_the_past", id="a-time-in-the-past-is-refused"),
        pytest.param(lambda: at(1, 13), "outside_hours", id="outside-the-practitioners-hours"),
        pytest.param(lambda: at(1, 11, 45), "outside_hours", id="running-past-the-end-of-hours"),
        pytest.param(lambda: at(90, 9), "too_far_ahead", id="beyond-the-booking-horizon"),
        pytest.param(lambda: at(1, 9, 5), "not_a_start_time", id="a-start-off-the-15-minute-grid"),
    ],
)
def test_bad_times_are_refused_with_a_reason(app, start, code):
    practitioner, patient, therapy = small_clinic()
    with pytest.raises(ValidationError) as refused:
        bookings.book(patient.user, patient, request(therapy, start(), practitioner))
    assert refused.value.code == code
    assert db.session.query(Booking).count() == 0


def test_outside_hours_offers_free_times_instead(app):
    practitioner, patient, therapy = small_clinic()
    with pytest.raises(ValidationError) as refused:
        bookings.book(patient.user, patient, request(therapy, at(1, 14), practitioner))
    offered = refused.value.fields["alternatives"]
    assert offered and offered[0]["practitioner_id"] == practitioner.user_id


def test_a_taken_place_is_a_conflict_with_alternatives(app):
    practitioner, patient, therapy = small_clinic(beds=2)
    bookings.book(patient.user, patient, request(therapy, at(1, 9), practitioner))
    other = create_patient(name="李明")
    with pytest.raises(ConflictError) as refused:
        bookings.book(other.user, other, request(therapy, at(1, 9), practitioner))
    assert refused.value.code == "slot_taken"
    assert refused.value.fields["alternatives"]


def test_a_patient_cannot_be_in_two_places_at_once(app):
    practitioner, patient, therapy = small_clinic(beds=2)
    second = create_practitioner()
    bookings.book(patient.user, patient, request(therapy, at(1, 9), practitioner))
    with pytest.raises(ConflictError) as refused:
        bookings.book(patient.user, patient, request(therapy, at(1, 9, 15), second))
    assert refused.value.code == "patient_busy"


def test_an_unqualified_practitioner_is_refused_and_the_qualified_named(app):
    practitioner, patient, _ = small_clinic()
    moxa = therapy_by_code("tuina")
    masseur = create_practitioner(qualifications=("moxibustion",))
    with pytest.raises(ValidationError) as refused:
        bookings.book(patient.user, patient, request(moxa, at(1, 9), masseur))
    assert refused.value.code == "not_qualified"
    assert refused.value.fields["practitioner_id"] == [str(practitioner.user_id)]


@pytest.mark.parametrize(
    ("therapy_code", "answer", "outcome"),
    [
        pytest.param("cupping", "bleeding_risk", "block", id="anticoagulants-block-cupping"),
        pytest.param("acupuncture", "bleeding_risk", "flag", id="anticoagulants-flag-needling"),
        pytest.param("cupping", "pregnant", "flag", id="pregnancy-flags-cupping"),
        pytest.param("acupuncture", None, "clear", id="no-answers-yes-is-clear"),
    ],
)
def test_screening_at_booking_blocks_or_flags(app, therapy_code, answer, outcome):
    practitioner, patient, _ = small_clinic()
    answers = dict(NO, **({answer: True} if answer else {}))
    req = request(therapy_by_code(therapy_code), at(1, 9), practitioner, answers)
    if outcome == "block":
        with pytest.raises(ValidationError) as refused:
            bookings.book(patient.user, patient, req)
        assert refused.value.code == "contraindicated"
        return
    booking = bookings.book(patient.user, patient, req)
    assert booking.screening_outcome == outcome
    assert booking.screenings[0].answers[answer or "pregnant"] == bool(answer)


def test_an_unanswered_question_is_refused(app):
    practitioner, patient, therapy = small_clinic()
    with pytest.raises(ValidationError) as refused:
        bookings.book(patient.user, patient, request(therapy, at(1, 9), practitioner, {}))
    assert refused.value.code == "screening_incomplete"


def test_a_course_is_booked_whole(app):
    practitioner, patient, therapy = small_clinic()
    plan = CoursePlan(
        therapy,
        clinic_today() + timedelta(days=1),
        time(9),
        practitioner.user_id,
        sessions=5,
        every_days=2,
    )
    course = courses.book_course(patient.user, patient, plan, NO)
    db.session.commit()
    assert len(course.bookings) == 5
    assert [b.starts_at for b in course.bookings][1] - course.bookings[0].starts_at == timedelta(
        days=2
    )


def test_a_course_with_one_taken_date_books_nothing_and_names_it(app):
    practitioner, patient, therapy = small_clinic()
    other = create_patient(name="李明")
    bookings.book(other.user, other, request(therapy, at(5, 9), practitioner))
    db.session.commit()
    plan = CoursePlan(
        therapy,
        clinic_today() + timedelta(days=1),
        time(9),
        practitioner.user_id,
        sessions=5,
        every_days=2,
    )
    with pytest.raises(ConflictError) as refused:
        courses.book_course(patient.user, patient, plan, NO)
    day = (clinic_today() + timedelta(days=5)).isoformat()
    assert refused.value.fields["conflicts"] == [day]
    assert refused.value.fields["alternatives"][day]
    db.session.rollback()
    assert db.session.query(Booking).filter_by(patient_id=patient.id).count() == 0


def test_cancel_frees_the_place_and_keeps_the_reason(app):
    practitioner, patient, therapy = small_clinic()
    booking = bookings.book(patient.user, patient, request(therapy, at(2, 9), practitioner))
    moves.cancel(patient.user, booking, "出差")
    other = create_patient(name="李明")
    again = bookings.book(other.user, other, request(therapy, at(2, 9), practitioner))
    assert booking.status == "cancelled" and booking.cancel_reason == "出差"
    assert again.status == "booked"


def test_patients_cannot_cancel_after_the_cutoff(app):
    practitioner, patient, therapy = small_clinic()
    start = at(1, 9)
    booking = bookings.book(patient.user, patient, request(therapy, start, practitioner))
    with pytest.raises(ConflictError) as refused:
        moves.cancel(patient.user, booking, "忙", now=start - timedelta(hours=2))
    assert refused.value.code == "past_cancel_cutoff"


def test_reschedule_moves_the_booking_and_frees_the_old_time(app):
    practitioner, patient, therapy = small_clinic()
    booking = bookings.book(patient.user, patient, request(therapy, at(2, 9), practitioner))
    moves.reschedule(patient.user, booking, at(3, 10))
    assert booking.starts_at == at(3, 10) and booking.reschedule_count == 1
    other = create_patient(name="李明")
    assert bookings.book(other.user, other, request(therapy, at(2, 9), practitioner))
