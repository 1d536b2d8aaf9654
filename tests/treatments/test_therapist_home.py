"""The home page of staff who treat is their own day: a clinic therapist lands on today's own
treatments after signing in; a doctor who treats sees them on the workbench; the desk (not a
practitioner) still lands on the desk. Time is frozen, so the day has a morning to book."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import create_practitioner, create_user, login
from tests.treatments.helpers import CLINIC, NO, small_clinic
from treatments.services import bookings
from treatments.services.bookings import Request
from treatments.services.catalogue import therapy_by_code

TODAY = datetime(2026, 3, 4, 7, 30, tzinfo=CLINIC)  # a Wednesday, before the clinic opens


def at_today(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(TODAY.date(), time(hour, minute), CLINIC).astimezone(UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def day(app, frozen):
    """The doctor treats acupuncture; a clinic therapist does tuina; one booking each today
    and one tomorrow for the therapist."""
    doctor_practitioner, patient, acupuncture = small_clinic(beds=2)
    therapist = create_user(Role.CLINIC, full_name="刘建国")
    create_practitioner(qualifications=("tuina",), user=therapist)
    tuina = therapy_by_code("tuina")
    ours = bookings.book(patient.user, patient, Request(tuina, at_today(10), therapist.id, NO))
    later = at_today(10) + timedelta(days=1)
    tomorrow = bookings.book(patient.user, patient, Request(tuina, later, therapist.id, NO))
    doctors = bookings.book(
        patient.user, patient, Request(acupuncture, at_today(9), doctor_practitioner.user_id, NO)
    )
    db.session.commit()
    return therapist, doctor_practitioner.user, ours, tomorrow, doctors


def test_a_therapist_lands_on_todays_own_treatments(app, client, day):
    therapist, _doctor, ours, tomorrow, doctors = day
    login(client, therapist)
    home = client.get("/")
    assert home.headers["Location"] == "/treatments/today"
    page = client.get("/treatments/today").get_data(as_text=True)
    assert f"/treatments/bookings/{ours.id}" in page and "10:00" in page and "推拿" in page
    assert f"/treatments/bookings/{tomorrow.id}" not in page
    assert f"/treatments/bookings/{doctors.id}" not in page


def test_a_doctor_who_treats_sees_today_on_the_workbench(app, client, day):
    _therapist, doctor, ours, _tomorrow, doctors = day
    login(client, doctor)
    page = client.get("/workbench").get_data(as_text=True)
    assert f"/treatments/bookings/{doctors.id}" in page and "09:00" in page
    assert f"/treatments/bookings/{ours.id}" not in page


def test_the_desk_still_lands_on_the_desk(app, client, frozen):
    login(client, create_user(Role.CLINIC))
    assert client.get("/").headers["Location"] == "/desk"
    page = client.get("/treatments/today")
    assert page.status_code == 200
