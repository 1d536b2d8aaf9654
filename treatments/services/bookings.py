"""Booking in-person treatments: one session or a whole course (all or nothing), reschedule,
cancel, check-in with a second screening, no-show and completion.

No double booking, ever: a booking holds one row per 5-minute tick for its practitioner, its
seat of a bed or room, and its patient, and a unique (holder, tick) constraint refuses a second
holder of the same tick however many requests race. The Python checks before it only make the
refusal readable. Every write appends to the audit chain before touching cells, so on
PostgreSQL concurrent bookings queue on the chain's lock in one order and cannot deadlock."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import delete, insert, select, text
from sqlalchemy.exc import IntegrityError

from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.patients import Patient, PregnancyStatus
from tcm_app.models.types import utcnow
from tcm_app.services.audit import AUDIT_TAIL_LOCK, record_audit
from treatments import booking_rules, scheduling, screening
from treatments.booking_rules import BookingStatus
from treatments.models import (
    Booking,
    BookingCell,
    BookingScreening,
    Therapy,
    TreatmentCourse,
    TreatmentResource,
)
from treatments.services import availability
from treatments.services.catalogue import practitioner as find_practitioner
from treatments.services.catalogue import practitioners_for, resources_for

ALTERNATIVES = 5
MAX_COURSE_SESSIONS = 30


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
    result = _screen(patient, request, "booking")
    _check_request(patient, request, now)
    _queue_on_audit_chain()
    booking = _insert(actor, patient, request, now, course=None)
    _record_screening(booking, "booking", request.answers, result, actor)
    record_audit(
        "treatment.book",
        "booking",
        booking.id,
        f"{request.therapy.code} at {booking.starts_at.isoformat()}",
        {"outcome": result.outcome.value},
        actor=actor,
    )
    return booking


def _queue_on_audit_chain() -> None:
    """Take the audit chain's lock before any cell, as every other write here does (it appends
    to the audit first): otherwise a booking holding cells could wait for the lock held by a
    move or a course waiting for those cells, a deadlock on PostgreSQL. SQLite: no-op."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_TAIL_LOCK})


def answers_with_record(patient: Patient, answers: dict) -> dict:
    """A pregnancy recorded on the patient's file answers "pregnant" yes whatever was ticked."""
    merged = dict(answers or {})
    if patient.pregnancy_status == PregnancyStatus.PREGNANT:
        merged["pregnant"] = True
    return merged


def _screen(patient, request: Request, stage: str) -> screening.ScreeningResult:
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


def _check_request(patient, request: Request, now: datetime) -> None:
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


def _free_at(request: Request, patient_id, now, ignore_booking_id=None):
    """The free slot that starts exactly at the request, or None; and that day's free slots."""
    day = availability.to_local(request.starts_at).date()
    free = availability.free_slots(
        request.therapy, day, day, request.practitioner_id, patient_id, now, ignore_booking_id
    )
    match = next((s for s in free if s.starts_at == request.starts_at), None)
    return match, free


def _why_not(request: Request, patient_id, now, free, ignore_booking_id=None):
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
    if _patient_busy(patient_id, request, ignore_booking_id):
        return ConflictError("you already have a booking at that time", "patient_busy", offered)
    return ConflictError("that place has just been taken", "slot_taken", offered)


def _within_hours(request: Request, day: date) -> bool:
    """Inside both the practitioner's and the clinic's hours that day (bookings aside)."""
    start = availability.to_local(request.starts_at)
    wanted = scheduling.Interval(start, start + timedelta(minutes=request.therapy.minutes))
    practitioner, clinic = availability.day_windows(request.practitioner_id, day)
    return any(w.contains(wanted) for w in practitioner) and any(w.contains(wanted) for w in clinic)


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


def _insert(actor, patient, request: Request, now, course) -> Booking:
    match, free = _free_at(request, patient.id, now)
    if match is None:
        raise _why_not(request, patient.id, now, free)
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
    _hold(booking, request, patient.id, now, preferred=match.resource_id)
    return booking


def _hold(booking: Booking, request: Request, patient_id, now, preferred: int) -> None:
    """Take the booking's cells: practitioner and patient, then the first seat with room."""
    # The booking's own row is already flushed: the reason must not count it as a clash.
    own = booking.id
    problem = _take(booking, [booking_rules.practitioner_holder(booking.practitioner_id)])
    if problem:
        raise _why_not(request, patient_id, now, [], ignore_booking_id=own)
    if _take(booking, [booking_rules.patient_holder(patient_id)]):
        raise _why_not(request, patient_id, now, [], ignore_booking_id=own)
    for resource in sorted(resources_for(request.therapy), key=lambda r: r.id != preferred):
        for seat in range(resource.capacity):
            if not _take(booking, [booking_rules.seat_holder(resource.id, seat)]):
                booking.resource_id, booking.seat = resource.id, seat
                db.session.flush()
                return
    raise _why_not(request, patient_id, now, [], ignore_booking_id=own)


def _take(booking: Booking, holders: list[str]) -> bool:
    """Insert the cells in a savepoint; True when another booking already holds one of them."""
    rows = [
        {"booking_id": booking.id, "holder": holder, "tick": tick}
        for holder in holders
        for tick in booking_rules.ticks(booking.starts_at, booking.ends_at)
    ]
    try:
        with db.session.begin_nested():
            db.session.execute(insert(BookingCell), rows)
    except IntegrityError:
        return True
    return False


def release_cells(booking: Booking) -> None:
    db.session.execute(delete(BookingCell).where(BookingCell.booking_id == booking.id))


def _record_screening(booking, stage, answers, result, actor) -> BookingScreening:
    row = BookingScreening(
        booking_id=booking.id,
        stage=stage,
        answers=answers_with_record(
            booking.patient or db.session.get(Patient, booking.patient_id), answers
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


# --- courses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoursePlan:
    therapy: Therapy
    first_day: date
    at: time  # clinic time of day
    practitioner_id: int
    sessions: int
    every_days: int
    course_length: int = 0
    rest_days: int = 0


def course_dates(plan: CoursePlan) -> list[date]:
    if not 1 <= plan.sessions <= MAX_COURSE_SESSIONS:
        raise ValidationError(
            f"a course has 1 to {MAX_COURSE_SESSIONS} sessions", code="bad_course"
        )
    try:
        return scheduling.course_dates(
            plan.first_day, plan.sessions, plan.every_days, plan.course_length, plan.rest_days
        )
    except ValueError as exc:
        raise ValidationError(str(exc), code="bad_course") from exc


def check_course(plan: CoursePlan, patient_id, now=None) -> scheduling.SeriesCheck:
    """The whole series against one availability search, with conflicting dates named and
    that day's or the next day's free times offered instead."""
    now = now or utcnow()
    dates = course_dates(plan)
    free = (
        availability.free_slots(
            plan.therapy,
            dates[0],
            dates[-1] + timedelta(days=1),
            plan.practitioner_id,
            patient_id,
            now,
        )
        if (dates[-1] - dates[0]).days < availability.MAX_SEARCH_DAYS - 1
        else None
    )
    if free is None:
        raise ValidationError("a course must fit in two months", code="bad_course")
    by_day: dict = {}
    for slot in free:
        local = availability.to_local(slot.starts_at)
        by_day.setdefault(local.date(), []).append(
            scheduling.Slot(
                local, availability.to_local(slot.ends_at), slot.practitioner_id, slot.resource_id
            )
        )
    return scheduling.check_series(
        dates, plan.at, lambda day: by_day.get(day, []), plan.practitioner_id
    )


def series_json(check: scheduling.SeriesCheck) -> dict:
    def local_slot(slot):
        start = availability.to_utc(slot.start)
        return {
            "start": start.isoformat(),
            "end": availability.to_utc(slot.end).isoformat(),
            "practitioner_id": slot.practitioner_id,
            "resource_id": slot.resource_id,
        }

    return {
        "conflicts": [day.isoformat() for day in check.conflicts],
        "alternatives": {
            day.isoformat(): [local_slot(s) for s in slots]
            for day, slots in check.alternatives.items()
        },
    }


def book_course(actor, patient, plan: CoursePlan, answers: dict, recommendation=None, now=None):
    """Book every session of the course or none: a conflicting date refuses the whole course
    with the dates named and alternatives offered. Flushes; returns the TreatmentCourse."""
    now = now or utcnow()
    first = availability.to_utc(datetime.combine(plan.first_day, plan.at))
    request = Request(plan.therapy, first, plan.practitioner_id, answers)
    result = _screen(patient, request, "booking")
    _check_request(patient, request, now)
    check = check_course(plan, patient.id, now)
    if not check.bookable:
        days = ", ".join(d.isoformat() for d in check.conflicts)
        raise ConflictError(
            f"the course does not fit on {days}; the whole course was not booked",
            "course_conflicts",
            series_json(check),
        )
    course = TreatmentCourse(
        patient_id=patient.id,
        therapy_id=plan.therapy.id,
        practitioner_id=plan.practitioner_id,
        recommendation_id=recommendation.id if recommendation else None,
        sessions=plan.sessions,
        every_days=plan.every_days,
        course_length=plan.course_length,
        rest_days=plan.rest_days,
        booked_by_id=actor.id,
    )
    db.session.add(course)
    db.session.flush()
    record_audit(
        "treatment.book_course",
        "course",
        course.id,
        f"{plan.sessions} × {plan.therapy.code} from {plan.first_day.isoformat()}",
        {"outcome": result.outcome.value},
        actor=actor,
    )
    for slot in check.slots:
        session = Request(
            plan.therapy, availability.to_utc(slot.start), plan.practitioner_id, answers
        )
        booking = _insert(actor, patient, session, now, course)
        _record_screening(booking, "booking", answers, result, actor)
    return course


# --- moves ---------------------------------------------------------------------------------


def _policy() -> booking_rules.CancelPolicy:
    return booking_rules.CancelPolicy(current_app.config["TREATMENT_CANCEL_HOURS"])


def _require_move(booking: Booking, action: str) -> None:
    problem = booking_rules.move_problem(action, booking.status)
    if problem:
        raise ConflictError(f"this booking is {booking.status}", problem)


def _require_policy(booking: Booking, actor, now) -> None:
    by_staff = actor.role != "patient"
    problem = _policy().problem(booking.starts_at, now, by_staff)
    if problem == "past_cancel_cutoff":
        deadline = availability.to_local(_policy().patient_deadline(booking.starts_at))
        raise ConflictError(
            f"bookings can be changed online until {deadline:%Y-%m-%d %H:%M}; "
            "please call the clinic",
            problem,
        )
    if problem:
        raise ConflictError("this booking has already started", problem)


def cancel(actor, booking: Booking, reason: str, now=None) -> Booking:
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            "give a reason for cancelling", "reason_required", {"reason": ["required"]}
        )
    _require_move(booking, "cancel")
    _require_policy(booking, actor, now)
    record_audit("treatment.cancel", "booking", booking.id, reason, actor=actor)
    release_cells(booking)
    booking.status, booking.cancel_reason = BookingStatus.CANCELLED, reason[:500]
    booking.cancelled_at, booking.cancelled_by_id = now, actor.id
    db.session.flush()
    return booking


def reschedule(actor, booking: Booking, starts_at: datetime, practitioner_id=None, now=None):
    """Move a booking to another free start (same therapy); its old place is freed at once."""
    now = now or utcnow()
    _require_move(booking, "reschedule")
    _require_policy(booking, actor, now)
    request = Request(booking.therapy, starts_at, practitioner_id or booking.practitioner_id, {})
    _check_request(booking.patient, request, now)
    match, free = _free_at(request, booking.patient_id, now, ignore_booking_id=booking.id)
    if match is None:
        raise _why_not(request, booking.patient_id, now, free, ignore_booking_id=booking.id)
    before = booking.starts_at.isoformat()
    record_audit(
        "treatment.reschedule",
        "booking",
        booking.id,
        f"{before} → {starts_at.isoformat()}",
        actor=actor,
    )
    release_cells(booking)
    booking.starts_at, booking.ends_at = match.starts_at, match.ends_at
    booking.practitioner_id = request.practitioner_id
    booking.reschedule_count += 1
    db.session.flush()
    _hold(booking, request, booking.patient_id, now, preferred=match.resource_id)
    return booking


def check_in(actor, booking: Booking, answers: dict, now=None) -> screening.ScreeningResult:
    """Screen again on the day (pregnancy, medicines, fasting, menses). A block leaves the
    booking booked, records the screening and tells the desk to reschedule; otherwise the
    patient is checked in and any flag is shown to the practitioner."""
    now = now or utcnow()
    _require_move(booking, "check_in")
    if availability.to_local(now).date() != availability.to_local(booking.starts_at).date():
        raise ConflictError("check in on the day of the booking", "not_today")
    request = Request(booking.therapy, booking.starts_at, booking.practitioner_id, answers)
    merged = answers_with_record(booking.patient, answers)
    result = screening.screen(booking.therapy.contraindications or {}, merged, "check_in")
    if result.unanswered:
        raise ValidationError(
            "answer every screening question",
            "screening_incomplete",
            {code: ["required"] for code in result.unanswered},
        )
    _record_screening(booking, "check_in", request.answers, result, actor)
    if result.blocked:
        record_audit(
            "treatment.check_in_blocked",
            "booking",
            booking.id,
            ", ".join(f.question for f in result.findings),
            actor=actor,
        )
        return result
    record_audit("treatment.check_in", "booking", booking.id, result.outcome.value, actor=actor)
    booking.status, booking.checked_in_at, booking.checked_in_by_id = (
        BookingStatus.CHECKED_IN,
        now,
        actor.id,
    )
    db.session.flush()
    return result


def mark_no_show(actor, booking: Booking, now=None) -> Booking:
    now = now or utcnow()
    _require_move(booking, "no_show")
    if now < booking.starts_at:
        raise ConflictError("a no-show is recorded after the booked time", "booking_not_started")
    record_audit("treatment.no_show", "booking", booking.id, "no show", actor=actor)
    release_cells(booking)
    booking.status = BookingStatus.NO_SHOW
    db.session.flush()
    return booking


def complete(actor, booking: Booking, points: str, minutes_done, reaction: str, note="", now=None):
    """The practitioner records what was done: points or regions, minutes, the reaction."""
    now = now or utcnow()
    _require_move(booking, "complete")
    if actor.id != booking.practitioner_id:
        raise ConflictError(
            "only the booked practitioner records the treatment", "not_the_practitioner"
        )
    problems = {}
    if not (points or "").strip():
        problems["points"] = ["required"]
    if not isinstance(minutes_done, int) or not 1 <= minutes_done <= 240:
        problems["minutes_done"] = ["invalid"]
    if problems:
        raise ValidationError("record the points and the minutes", "record_incomplete", problems)
    record_audit("treatment.complete", "booking", booking.id, points[:200], actor=actor)
    booking.status, booking.completed_at, booking.completed_by_id = (
        BookingStatus.COMPLETED,
        now,
        actor.id,
    )
    booking.points, booking.minutes_done = points.strip()[:2000], minutes_done
    booking.reaction, booking.record_note = (reaction or "").strip()[:2000], (note or "")[:2000]
    db.session.flush()
    return booking


def resource_name(resource_id: int) -> str:
    resource = db.session.get(TreatmentResource, resource_id)
    return resource.name if resource else ""
