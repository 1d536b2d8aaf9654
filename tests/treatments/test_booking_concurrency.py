"""No double booking, ever: many requests race for the last free place of a slot, each in its
own app context and database session, started together. Exactly one wins; the others get a
clear conflict, nothing half-written stays behind. Runs on SQLite and on PostgreSQL."""

import threading

import sqlalchemy as sa

from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.patients import Patient
from tests.factories import (
    create_bed,
    create_patient,
    create_practitioner,
    create_user,
    open_treatment_clinic,
)
from tests.treatments.helpers import NO, at
from treatments.models import Booking, BookingCell
from treatments.services import bookings, moves
from treatments.services.catalogue import therapy_by_code

RACERS = 16


def race(app, attempts: list[tuple], start) -> list[str]:
    """Each (actor user id, patient id, practitioner id[, booking id to move]) books acupuncture
    at `start` (or moves the booking there) in its own thread, all released at once. Returns
    "booked" or the refusal code of each."""
    db.session.commit()
    db.session.remove()
    results, barrier = [], threading.Barrier(len(attempts))

    def attempt(actor_id, patient_id, practitioner_id, moving=None):
        with app.app_context():
            # Touch the database only after the barrier: on SQLite a transaction holds the write
            # lock from its first statement, so a read before waiting would block everyone.
            barrier.wait(timeout=60)
            try:
                actor = db.session.get(User, actor_id)
                patient = db.session.get(Patient, patient_id)
                therapy = therapy_by_code("acupuncture")
                wanted = bookings.Request(therapy, start, practitioner_id, dict(NO))
                if moving:
                    booking = db.session.get(Booking, moving)
                    moves.reschedule(actor, booking, start, practitioner_id)
                else:
                    bookings.book(actor, patient, wanted)
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

    threads = [threading.Thread(target=attempt, args=args) for args in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a booking request hung"
    return results


def patients(count: int) -> list[Patient]:
    return [create_patient(name=f"患者{n}") for n in range(count)]


def assert_one_booking(results: list[str], refusal: str) -> None:
    assert len(results) == RACERS
    assert results.count("booked") == 1, results
    assert set(results) == {"booked", refusal}, results
    therapy = therapy_by_code("acupuncture")
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 1
    cells = db.session.scalar(sa.select(sa.func.count(BookingCell.id)))
    assert cells == 3 * therapy.minutes // 5  # practitioner, seat, patient: nothing stray


def test_many_patients_racing_for_one_practitioner_book_exactly_once(app):
    open_treatment_clinic()
    practitioner = create_practitioner()
    create_bed("bed-1")
    create_bed("bed-2")
    attempts = [(p.user.id, p.id, practitioner.user_id) for p in patients(RACERS)]
    assert_one_booking(race(app, attempts, at(1, 9)), "slot_taken")


def test_many_practitioners_racing_for_the_last_bed_book_exactly_once(app):
    open_treatment_clinic()
    practitioners = [create_practitioner() for _ in range(RACERS)]
    create_bed("bed-1")
    attempts = [
        (p.user.id, p.id, practitioner.user_id)
        for p, practitioner in zip(patients(RACERS), practitioners, strict=True)
    ]
    assert_one_booking(race(app, attempts, at(1, 10)), "slot_taken")


def test_one_patient_booking_many_practitioners_at_once_books_exactly_once(app):
    open_treatment_clinic()
    practitioners = [create_practitioner() for _ in range(RACERS)]
    for n in range(RACERS):
        create_bed(f"bed-{n}")
    patient = create_patient()
    attempts = [(patient.user.id, patient.id, p.user_id) for p in practitioners]
    assert_one_booking(race(app, attempts, at(1, 11)), "patient_busy")


def test_a_capacity_two_room_takes_exactly_two_of_many(app):
    """A room with two seats: two patients at once, never three."""
    open_treatment_clinic()
    practitioners = [create_practitioner() for _ in range(RACERS)]
    create_bed("bed-pair", capacity=2)
    attempts = [
        (p.user.id, p.id, practitioner.user_id)
        for p, practitioner in zip(patients(RACERS), practitioners, strict=True)
    ]
    results = race(app, attempts, at(1, 9, 30))
    assert results.count("booked") == 2, results
    assert set(results) == {"booked", "slot_taken"}, results
    seats = db.session.scalars(sa.select(Booking.seat)).all()
    assert sorted(seats) == [0, 1]


def test_booking_and_rescheduling_into_one_place_at_once_land_exactly_once(app):
    """Bookings and moves into the same place race without a deadlock: one lands."""
    open_treatment_clinic()
    practitioner, elsewhere = create_practitioner(), create_practitioner()
    for n in range(RACERS):
        create_bed(f"bed-{n}")
    desk = create_user(Role.CLINIC)
    therapy = therapy_by_code("acupuncture")
    crowd = patients(RACERS)
    attempts = []
    for n, patient in enumerate(crowd):
        if n % 2:
            attempts.append((patient.user.id, patient.id, practitioner.user_id))
            continue
        start = at(3 + n // 2, 10)  # each move leaves its own day
        wanted = bookings.Request(therapy, start, elsewhere.user_id, dict(NO))
        moving = bookings.book(desk, patient, wanted).id
        attempts.append((desk.id, patient.id, practitioner.user_id, moving))
    results = race(app, attempts, at(2, 9))
    assert results.count("booked") == 1, results
    assert set(results) == {"booked", "slot_taken"}, results
    at_nine = sa.select(sa.func.count(Booking.id)).where(Booking.starts_at == at(2, 9))
    assert db.session.scalar(at_nine) == 1
