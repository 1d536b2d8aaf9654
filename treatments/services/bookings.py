"""Booking one in-person treatment session, and the parts every booking write shares: the
screening, readable refusals with other times offered, and the occupancy cells.

No double booking, ever: a booking holds one row per 5-minute tick for its practitioner, its
seat of a bed or room, and its patient, and a unique (holder, tick) constraint refuses a second
holder of the same tick however many requests race. The Python checks before it only make the
refusal readable. No write takes the audit chain's lock before its cells: entries are linked at
commit, when the cells are already held, so a booking waiting for another's cells never holds
the lock that other needs to commit (the PostgreSQL deadlock the race tests look for)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.patients import Patient, PregnancyStatus
from tcm_app.models.types import utcnow
from tcm_app.services.audit import record_audit
from treatments import booking_rules, scheduling, screening
from treatments.booking_rules import BookingStatus
from treatments.models import (
    Booking,
    BookingCell,
    BookingScreening,
    Therapy,
)
from treatments.services import availability
from treatments.services.catalogue import practitioner as find_practitioner
from treatments.services.catalogue import practitioners_for, resources_for

ALTERNATIVES = 5


@dataclass(frozen=True)
class Request:
    """What a booking asks for. `answers` are the screening answers (question code → bool)."""

    therapy: Therapy
    starts_at: datetime  # aware
    practitioner_id: int
    answers: dict


def slot_json(slot) -> dict:
    return {
        "start": slot.starts_at.isoformat(),
        "end": slot.ends_at.isoformat(),
        "practitioner_id": slot.practitioner_id,
        "resource_id": slot.resource_id,
    }


def book(actor, patient: Patient, request: Request, now: datetime | None = None) -> Booking:
    """Book one session for `patient`; flushes. Refusals name why and offer other times."""
    now = now or utcnow()
    result = screen_request(patient, request, "booking")
    check_request(patient, request, now)
    booking = insert_booking(actor, patient, request, now, course=None)
    record_screening(booking, "booking", request.answers, result, actor)
    record_audit(
        "treatment.book",
        "booking",
        booking.id,
        f"{request.therapy.code} at {booking.starts_at.isoformat()}",
        {"outcome": result.outcome.value},
        actor=actor,
    )
    return booking


def answers_with_record(patient: Patient, answers: dict) -> dict:
    """A pregnancy recorded on the patient's file answers "pregnant" yes whatever was ticked."""
    merged = dict(answers or {})
    if patient.pregnancy_status == PregnancyStatus.PREGNANT:
        merged["pregnant"] = True
    return merged


def screen_request(patient, request: Request, stage: str) -> screening.ScreeningResult:
    answers = answers_with_record(patient, request.answers)
    result = screening.screen(request.therapy.contraindications or {}, answers, stage)
    if result.unanswered:
        raise ValidationError(
            "answer every screening question before booking",
            code="screening_incomplete",
            fields={code: ["required"] for code in result.unanswered},
        )
    if result.blocked:
        blocking = [f.question for f in result.findings if f.severity == screening.Severity.BLOCK]
        raise ValidationError(
            f"{request.therapy.name} is not booked because of: {', '.join(blocking)}. "
            "Ask your doctor, who may advise another therapy.",
            code="contraindicated",
            fields={code: ["contraindicated"] for code in blocking},
        ).audited("treatment.book", "therapy", request.therapy.id)
    return result


def check_request(patient, request: Request, now: datetime) -> None:
    """Readable refusals before the database's own guard (which alone decides races)."""
    therapy, start = request.therapy, request.starts_at
    practitioner = find_practitioner(request.practitioner_id)
    if therapy.qualification not in (practitioner.qualifications or ()):
        names = ", ".join(p.user.full_name for p in practitioners_for(therapy)) or "none"
        raise ValidationError(
            f"{practitioner.user.full_name} is not qualified for {therapy.name}; "
            f"qualified: {names}",
            code="not_qualified",
            fields={"practitioner_id": [str(p.user_id) for p in practitioners_for(therapy)]},
        )
    if start <= now:
        raise ValidationError("that time has passed; choose a later one", code="in_the_past")
    horizon = now + timedelta(days=current_app.config["TREATMENT_BOOKING_DAYS"])
    if start > horizon:
        raise ValidationError(
            f"bookings open {current_app.config['TREATMENT_BOOKING_DAYS']} days ahead",
            code="too_far_ahead",
        )


def free_at(request: Request, patient_id, now, ignore_booking_id=None):
    """The free slot that starts exactly at the request, or None; and that day's free slots."""
    day = availability.to_local(request.starts_at).date()
    free = availability.free_slots(
        request.therapy, day, day, request.practitioner_id, patient_id, now, ignore_booking_id
    )
    match = next((s for s in free if s.starts_at == request.starts_at), None)
    return match, free


def refusal_for(request: Request, patient_id, now, free, ignore_booking_id=None):
    """The refusal for a start that is not free: outside hours, the patient's own clash, or
    taken. Each names other times."""
    day = availability.to_local(request.starts_at).date()
    alternatives = free[:ALTERNATIVES] or next_free(
        request, patient_id, now, day, ignore_booking_id
    )
    offered = {"alternatives": [slot_json(s) for s in alternatives]}
    if not _within_hours(request, day):
        return ValidationError(
            "that time is outside the practitioner's or the clinic's hours",
            "outside_hours",
            offered,
        )
    if not _on_grid(request, day):
        return ValidationError(
            f"sessions start every {scheduling.STEP_MINUTES} minutes; choose one of the free times",
            "not_a_start_time",
            offered,
        )
    if _patient_busy(patient_id, request, ignore_booking_id):
        return ConflictError("you already have a booking at that time", "patient_busy", offered)
    return ConflictError("that place has just been taken", "slot_taken", offered)


def _within_hours(request: Request, day: date) -> bool:
    """Inside both the practitioner's and the clinic's hours that day (bookings aside)."""
    start = availability.to_local(request.starts_at)
    wanted = scheduling.Interval(start, start + timedelta(minutes=request.therapy.minutes))
    practitioner, clinic = availability.day_windows(request.practitioner_id, day)
    return any(w.contains(wanted) for w in practitioner) and any(w.contains(wanted) for w in clinic)


def _on_grid(request: Request, day: date) -> bool:
    practitioner, _clinic = availability.day_windows(request.practitioner_id, day)
    return scheduling.on_grid(availability.to_local(request.starts_at), practitioner)


def _patient_busy(patient_id, request: Request, ignore_booking_id) -> bool:
    end = request.starts_at + timedelta(minutes=request.therapy.minutes)
    return (
        db.session.scalar(
            select(Booking.id).where(
                Booking.patient_id == patient_id,
                Booking.status.in_(booking_rules.LIVE_STATUSES),
                Booking.starts_at < end,
                Booking.ends_at > request.starts_at,
                Booking.id != (ignore_booking_id or 0),
            )
        )
        is not None
    )


def next_free(request: Request, patient_id, now, day: date, ignore_booking_id=None) -> list:
    """The first free slots with the same practitioner over the next week."""
    found = availability.free_slots(
        request.therapy,
        day,
        day + timedelta(days=7),
        request.practitioner_id,
        patient_id,
        now,
        ignore_booking_id,
    )
    return found[:ALTERNATIVES]


def insert_booking(actor, patient, request: Request, now, course) -> Booking:
    match, free = free_at(request, patient.id, now)
    if match is None:
        raise refusal_for(request, patient.id, now, free)
    booking = Booking(
        patient_id=patient.id,
        therapy_id=request.therapy.id,
        practitioner_id=request.practitioner_id,
        resource_id=match.resource_id,
        starts_at=match.starts_at,
        ends_at=match.ends_at,
        status=BookingStatus.BOOKED,
        course_id=course.id if course else None,
        booked_by_id=actor.id,
    )
    db.session.add(booking)
    db.session.flush()
    hold_cells(booking, request, patient.id, now, preferred=match.resource_id)
    return booking


def hold_cells(booking: Booking, request: Request, patient_id, now, preferred: int) -> None:
    """Take the booking's cells: practitioner and patient, then the first seat with room."""
    # The booking's own row is already flushed: the reason must not count it as a clash.
    own = booking.id
    problem = _take(booking, [booking_rules.practitioner_holder(booking.practitioner_id)])
    if problem:
        raise refusal_for(request, patient_id, now, [], ignore_booking_id=own)
    if _take(booking, [booking_rules.patient_holder(patient_id)]):
        raise refusal_for(request, patient_id, now, [], ignore_booking_id=own)
    for resource in sorted(resources_for(request.therapy), key=lambda r: r.id != preferred):
        for seat in range(resource.capacity):
            if not _take(booking, [booking_rules.seat_holder(resource.id, seat)]):
                booking.resource_id, booking.seat = resource.id, seat
                db.session.flush()
                return
    raise refusal_for(request, patient_id, now, [], ignore_booking_id=own)


def _take(booking: Booking, holders: list[str]) -> bool:
    """The booking's cells for `holders` over its time; True when another booking holds one."""
    ticks = booking_rules.ticks(booking.starts_at, booking.ends_at)
    return take_cells(booking, [(holder, tick) for holder in holders for tick in ticks])


def take_cells(booking: Booking, cells: list[tuple[str, int]]) -> bool:
    """Insert (holder, tick) cells in a savepoint; True when another booking already holds one
    of them (nothing is inserted then)."""
    rows = [{"booking_id": booking.id, "holder": holder, "tick": tick} for holder, tick in cells]
    try:
        with db.session.begin_nested():
            db.session.execute(insert(BookingCell), rows)
    except IntegrityError:
        return True
    return False


def release_cells(booking: Booking) -> None:
    db.session.execute(delete(BookingCell).where(BookingCell.booking_id == booking.id))


def record_screening(booking, stage, answers, result, actor) -> BookingScreening:
    row = BookingScreening(
        booking_id=booking.id,
        stage=stage,
        answers=answers_with_record(
            booking.patient or db.session.get_one(Patient, booking.patient_id), answers
        ),
        outcome=result.outcome.value,
        findings=[{"question": f.question, "severity": f.severity.value} for f in result.findings],
        recorded_by_id=actor.id,
    )
    db.session.add(row)
    if result.outcome != screening.Outcome.BLOCK:
        booking.screening_outcome = result.outcome.value
    db.session.flush()
    return row
