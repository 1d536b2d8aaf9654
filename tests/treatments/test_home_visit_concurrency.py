"""The database guarantee extended to travel: patients racing for home visits with one
practitioner, at starts whose travel overlaps, each in its own app context and session, started
together. Exactly one wins; the others get a readable refusal and leave nothing behind. Runs on
SQLite and on PostgreSQL."""

import threading
from datetime import timedelta

import sqlalchemy as sa

from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.patients import Patient
from tcm_app.services.patients import add_address
from tests.factories import create_patient
from tests.treatments.helpers import NO, at, small_clinic
from treatments.models import Booking, BookingCell
from treatments.services import home_visits
from treatments.services.catalogue import therapy_by_code

RACERS = 8
AT_HOME = {"someone_present": True, "bed_space": True, "pets": False}


def test_racing_home_visits_whose_travel_overlaps_book_one(app):
    practitioner, _patient, _therapy = small_clinic()
    practitioner_id = practitioner.user_id
    racers = []
    for n in range(RACERS):
        patient = create_patient(name=f"患者{n}")
        address = add_address(
            patient, "家属", "13812345678", "北京市 朝阳区", f"{n} 号", True, patient.user
        )
        # 10:00 and 10:15: each visit's way back overlaps the other's way there.
        racers.append((patient.user.id, patient.id, address.id, at(1, 10, 15 * (n % 2))))
    db.session.commit()
    db.session.remove()
    results, barrier = [], threading.Barrier(RACERS)

    def attempt(user_id, patient_id, address_id, start):
        with app.app_context():
            barrier.wait(timeout=60)  # touch the database only after (SQLite's write lock)
            try:
                wanted = home_visits.HomeRequest(
                    therapy_by_code("tuina"),
                    address_id,
                    start,
                    practitioner_id,
                    dict(NO),
                    AT_HOME,
                )
                patient = db.session.get(Patient, patient_id)
                home_visits.book(db.session.get(User, user_id), patient, wanted)
                db.session.commit()
                results.append("booked")
            except TCMError as exc:
                db.session.rollback()
                results.append(exc.code)
            except Exception as exc:  # an unexpected error is a result too: the test names it
                db.session.rollback()
                results.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=args) for args in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a booking request hung"
    assert results.count("booked") == 1, results
    assert set(results) == {"booked", "home_time_unavailable"}, results
    booking = db.session.scalar(sa.select(Booking))
    cells = db.session.scalar(sa.select(sa.func.count(BookingCell.id)))
    leg = timedelta(minutes=booking.travel_minutes)
    assert cells == (booking.ends_at - booking.starts_at + 2 * leg) // timedelta(minutes=5) + (
        booking.ends_at - booking.starts_at
    ) // timedelta(minutes=5)
