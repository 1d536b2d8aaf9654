"""Courses (疗程): N sessions on a pattern, checked as a whole against one availability search
and booked all or nothing, with conflicting dates named and alternatives offered."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.types import utcnow
from tcm_app.services.audit import record_audit
from treatments import scheduling
from treatments.models import Therapy, TreatmentCourse
from treatments.services import availability
from treatments.services.bookings import (
    Request,
    check_request,
    insert_booking,
    record_screening,
    screen_request,
)

MAX_COURSE_SESSIONS = 30


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
    except scheduling.ScheduleError as exc:
        raise exc.refusal() from exc


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
    result = screen_request(patient, request, "booking")
    check_request(patient, request, now)
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
        booking = insert_booking(actor, patient, session, now, course)
        record_screening(booking, "booking", answers, result, actor)
    return course
