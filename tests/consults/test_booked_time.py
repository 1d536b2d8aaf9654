"""A booked consult shows its date and time wherever the patient meets it (visit list, visit page,
booking confirmation, waiting room, slot picker), and booking attaches to the follow-up the patient
already requested instead of opening a second visit."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from consults.models import ConsultBooking
from consults.services import booking
from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.models.encounters import Encounter
from tcm_app.services.clock import clinic_today
from tests.factories import create_doctor, create_encounter, create_patient, login


@pytest.fixture
def doctor(app):
    doctor = create_doctor()
    for weekday in range(7):  # every day, so the tests do not depend on today's weekday
        booking.add_session(doctor, weekday, time(9, 0), time(12, 0), 15)
    db.session.commit()
    return doctor


def day_after_tomorrow_nine() -> datetime:
    day = clinic_today() + timedelta(days=2)
    return datetime.combine(day, time(9, 0), booking.clinic_zone()).astimezone(UTC)


def shown(start: datetime) -> str:
    return start.astimezone(booking.clinic_zone()).strftime("%Y-%m-%d")


def has_date_and_time(page: str, start: datetime) -> bool:
    """The day, its weekday and the clock time, as the pages write them: 2026-12-04 周五 09:00."""
    return re.search(rf"{shown(start)} \S+ 09:00", page) is not None


def encounter_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Encounter.id)))


def test_booking_attaches_to_the_follow_up_already_requested(app, doctor):
    patient = create_patient()
    requested = create_encounter(patient=patient, doctor=doctor)
    db.session.commit()
    made = booking.book(
        patient.user, patient, doctor, day_after_tomorrow_nine(), "online_followup", "复诊"
    )
    db.session.commit()
    assert made.encounter_id == requested.id
    assert encounter_count() == 1
    assert requested.scheduled_on == clinic_today() + timedelta(days=2)


def test_a_named_follow_up_is_booked_and_only_once(app, doctor):
    patient = create_patient()
    requested = create_encounter(patient=patient, doctor=doctor)
    db.session.commit()
    start = day_after_tomorrow_nine()
    made = booking.book(
        patient.user, patient, doctor, start, "online_followup", "", encounter=requested
    )
    assert made.encounter_id == requested.id
    with pytest.raises(TCMError) as exc:
        booking.book(
            patient.user,
            patient,
            doctor,
            start + timedelta(minutes=15),
            "online_followup",
            "",
            encounter=requested,
        )
    assert exc.value.code == "already_booked"


def test_another_doctors_request_is_not_taken_over(app, doctor):
    patient = create_patient()
    create_encounter(patient=patient, doctor=create_doctor())
    db.session.commit()
    booking.book(
        patient.user, patient, doctor, day_after_tomorrow_nine(), "online_followup", "复诊"
    )
    assert encounter_count() == 2


def test_the_visit_page_offers_booking_for_its_follow_up(app, client, doctor):
    patient = create_patient()
    requested = create_encounter(patient=patient, doctor=doctor)
    db.session.commit()
    login(client, patient.user)
    visit = client.get(f"/encounters/{requested.id}").get_data(as_text=True)
    assert f"/consults/book?encounter_id={requested.id}" in visit
    start = day_after_tomorrow_nine()
    picker = client.get(f"/consults/book?encounter_id={requested.id}").get_data(as_text=True)
    assert has_date_and_time(picker, start)
    response = client.post(
        "/consults/book",
        data={"encounter_id": requested.id, "slot": start.isoformat()},
    )
    assert response.headers["Location"] == f"/encounters/{requested.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert encounter_count() == 1
    assert db.session.scalar(sa.select(ConsultBooking.encounter_id)) == requested.id
    assert has_date_and_time(page, start)


def test_the_patient_sees_date_and_time_of_the_booked_consult(app, client, doctor):
    patient = create_patient()
    start = day_after_tomorrow_nine()
    made = booking.book(patient.user, patient, doctor, start, "online_followup", "复诊")
    db.session.commit()
    login(client, patient.user)
    for path in ("/me", f"/encounters/{made.encounter_id}"):
        assert has_date_and_time(client.get(path).get_data(as_text=True), start), path
    refused = client.get(f"/consults/{made.encounter_id}/call")
    assert refused.headers["Location"] == f"/encounters/{made.encounter_id}"
    waiting = client.get(refused.headers["Location"]).get_data(as_text=True)
    flashed = re.search(r'class="flash[^"]*" role="\w+">([^<]*)<', waiting).group(1)
    assert has_date_and_time(flashed, start)


def test_cancelling_the_booked_visit_frees_its_time(app, client, doctor):
    patient = create_patient()
    start = day_after_tomorrow_nine()
    made = booking.book(patient.user, patient, doctor, start, "online_followup", "复诊")
    db.session.commit()
    login(client, patient.user)
    version = made.encounter.version
    response = client.post(f"/encounters/{made.encounter_id}/cancel", data={"version": version})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ConsultBooking, made.id).status == "cancelled"
    assert start in {slot.starts_at for slot in booking.free_slots(doctor)}
    other = create_patient(name="李四")
    again = booking.book(other.user, other, doctor, start, "online_followup", "复诊")
    assert again.starts_at == start


def test_the_booking_page_points_to_the_visits_waiting_for_a_time(app, client, doctor):
    patient = create_patient()
    requested = create_encounter(patient=patient, doctor=doctor)
    db.session.commit()
    login(client, patient.user)
    page = client.get("/consults/book").get_data(as_text=True)
    assert f"/consults/book?encounter_id={requested.id}" in page
