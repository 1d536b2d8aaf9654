"""The patient's home (/me) costs the same number of SQL statements however many visits it
lists: each visit's doctor and booked consult time are read with the visits (no N+1)."""

from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

from consults.services import booking
from tcm_app.extensions import db
from tests.factories import create_doctor, create_patient, login
from tests.statement_count import NAMES, statements_of


def booked_with_a_doctor_of_its_own(patient, number):
    doctor = create_doctor()
    doctor.full_name = NAMES[number] + "医生"
    booking.add_session(
        doctor,
        (datetime.now(booking.clinic_zone()).weekday() + 1) % 7,
        clock_time(9, 0),
        clock_time(12, 0),
        15,
    )
    zone = booking.clinic_zone()
    day = datetime.now(zone).date() + timedelta(days=1)
    start = datetime.combine(day, clock_time(9, 0), zone) + timedelta(minutes=15 * number)
    booking.book(patient.user, patient, doctor, start.astimezone(UTC), "online_followup", "复诊")


def test_the_patient_homes_statements_do_not_grow_with_the_visits(client, app):
    patient = create_patient()
    for number in range(2):
        booked_with_a_doctor_of_its_own(patient, number)
    db.session.commit()
    login(client, patient.user)
    few, _page = statements_of(client, "/me")
    for number in range(2, 8):
        booked_with_a_doctor_of_its_own(patient, number)
    db.session.commit()
    many, page = statements_of(client, "/me")
    assert many == few
    assert all(f"{name}医生" in page for name in NAMES[:8])
    assert page.count(" 09:") + page.count(" 10:") == 8  # each booked time, 09:00 to 10:45
