"""Doctors publish weekly sessions; patients book free slots; a slot is never booked twice, even
when the check in Python is bypassed (the database refuses it)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from consults.models import ConsultBooking
from consults.services import booking
from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tests.factories import create_doctor, create_patient

# Today and tomorrow in the clinic: make test-clock runs these at 00:30, 08:30 and 23:30.
pytestmark = pytest.mark.clock


@pytest.fixture
def doctor(app):
    doctor = create_doctor()
    for weekday in range(7):  # every day, so the tests do not depend on today's weekday
        booking.add_session(doctor, weekday, time(9, 0), time(12, 0), 15)
    db.session.commit()
    return doctor


def tomorrow_nine(app) -> datetime:
    zone = booking.clinic_zone()
    day = datetime.now(zone).date() + timedelta(days=1)
    return datetime.combine(day, time(9, 0), zone).astimezone(UTC)


def test_free_slots_follow_the_weekly_sessions(app, doctor):
    free = booking.free_slots(doctor, days=3)
    assert tomorrow_nine(app) in {slot.starts_at for slot in free}
    assert all(slot.ends_at - slot.starts_at == timedelta(minutes=15) for slot in free)


def test_a_booked_slot_is_gone_and_cannot_be_booked_again(app, doctor):
    patient = create_patient()
    start = tomorrow_nine(app)
    made = booking.book(patient.user, patient, doctor, start, "online_followup", "复诊")
    db.session.commit()
    assert made.encounter.booking is made
    assert start not in {slot.starts_at for slot in booking.free_slots(doctor)}
    other = create_patient(birth=date(1990, 3, 3), name="李四")
    with pytest.raises(TCMError) as exc:
        booking.book(other.user, other, doctor, start, "online_followup", "复诊")
    assert exc.value.code == "slot_taken"


def test_the_database_refuses_a_second_active_booking_of_a_slot(app, doctor):
    patient = create_patient()
    first = booking.book(
        patient.user, patient, doctor, tomorrow_nine(app), "online_followup", "复诊"
    )
    other = create_patient(birth=date(1991, 2, 2), name="乙")
    from tests.factories import create_encounter

    second_visit = create_encounter(patient=other, doctor=doctor)
    db.session.commit()
    duplicate = ConsultBooking(
        doctor_id=doctor.id,
        encounter_id=second_visit.id,
        starts_at=first.starts_at,
        ends_at=first.ends_at,
    )
    db.session.add(duplicate)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_cancelling_frees_the_slot(app, doctor):
    patient = create_patient()
    start = tomorrow_nine(app)
    made = booking.book(patient.user, patient, doctor, start, "online_followup", "复诊")
    booking.cancel_booking(made.encounter, patient.user)
    db.session.commit()
    assert start in {slot.starts_at for slot in booking.free_slots(doctor)}


def test_a_closed_day_has_no_slots(app, doctor):
    day = tomorrow_nine(app).astimezone(booking.clinic_zone()).date()
    booking.add_exception(doctor, day, closed=True)
    assert all(
        slot.starts_at.astimezone(booking.clinic_zone()).date() != day
        for slot in booking.free_slots(doctor)
    )


def test_bad_sessions_are_refused(app):
    doctor = create_doctor()
    with pytest.raises(TCMError) as exc:
        booking.add_session(doctor, 1, time(12, 0), time(9, 0), 15)
    assert exc.value.code == "end_before_start"


def test_the_patient_books_through_the_page(app, client, doctor):
    from tests.factories import login

    patient = create_patient()
    login(client, patient.user)
    page = client.get(f"/consults/book?doctor_id={doctor.id}").get_data(as_text=True)
    start = tomorrow_nine(app)
    assert start.isoformat() in page
    response = client.post(
        "/consults/book",
        data={
            "doctor_id": doctor.id,
            "patient_id": patient.id,
            "kind": "online_followup",
            "chief_complaint": "胃脘痛复诊",
            "slot": start.isoformat(),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert db.session.scalar(sa.select(sa.func.count(ConsultBooking.id))) == 1
