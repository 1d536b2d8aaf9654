"""The demo lets a newcomer try the consult and treatment journeys on the day they start it,
whatever the weekday: the demo doctor has published consult hours, the treatment clinic and its
therapist have hours that day, and demo-patient has a treatment booked for the desk to check in."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from consults.services import booking as consult_booking
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.patients import Patient
from tcm_app.services.demo import seed_demo
from treatments.models import Booking
from treatments.services import availability
from treatments.services.catalogue import therapy_by_code

CLINIC = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 7, 30, tzinfo=CLINIC)


def clinic_bookings(username: str = "demo-patient") -> list[Booking]:
    """The account's demo bookings at the clinic (demo-patient's home visit is on the therapist's
    route tomorrow; demo-elder has her next 推拿 too)."""
    return db.session.scalars(
        sa.select(Booking)
        .join(Patient, Patient.id == Booking.patient_id)
        .join(User, User.id == Patient.user_id)
        .where(Booking.place == "clinic", User.username == username)
    ).all()


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


@pytest.mark.parametrize("weekday", range(7), ids=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
def test_every_weekday_has_consult_and_treatment_hours(app, weekday):
    morning = MONDAY + timedelta(days=weekday)
    with time_machine.travel(morning, tick=False):
        seed_demo()
        db.session.commit()
        today = morning.date()
        consults = consult_booking.free_slots(user("demo-doctor"), days=1)
        assert consults, "no consult time today"
        tuina = availability.free_slots(
            therapy_by_code("tuina"), today, today, user("demo-therapist").id
        )
        assert tuina, "no treatment time today"
        booked = clinic_bookings()
        assert [b.starts_at.astimezone(CLINIC).date() for b in booked] == [today]
        assert len(clinic_bookings("demo-elder")) == 1  # her 我的下次治疗


def test_late_in_the_evening_the_next_slots_are_tomorrow(app):
    late = MONDAY.replace(hour=23, minute=30)
    with time_machine.travel(late, tick=False):
        seed_demo()
        db.session.commit()
        consults = consult_booking.free_slots(user("demo-doctor"), days=2)
        tomorrow = late.date() + timedelta(days=1)
        assert consults and consults[0].starts_at.astimezone(CLINIC).date() == tomorrow
        booked = clinic_bookings()
        assert [b.starts_at.astimezone(CLINIC).date() for b in booked] == [tomorrow]


def test_demo_therapist_lands_on_her_day_with_the_demo_booking(app, client):
    with time_machine.travel(MONDAY, tick=False):
        seed_demo()
        db.session.commit()
        signed_in = client.post(
            "/login", data={"username": "demo-therapist", "password": "tcm-demo"}
        )
        assert signed_in.headers["Location"] == "/"
        assert client.get("/").headers["Location"] == "/treatments/today"
        page = client.get("/treatments/today").get_data(as_text=True)
        booked = clinic_bookings()[0]
        assert f"/treatments/bookings/{booked.id}" in page and "推拿" in page
