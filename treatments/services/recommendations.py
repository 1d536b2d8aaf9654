"""The doctor's course (疗程) recommendation on an encounter, which the patient books in one step
(线上线下一体化): therapy, sessions, spacing, sessions per course and the rest between courses.

Default pattern (tcm-domain.md §5, 《针灸学》): acupuncture daily or every other day, 7–10
sessions = one course, 3–5 days' rest between courses."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tcm_app.common.errors import ConflictError, PermissionDeniedError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.encounters import Encounter
from tcm_app.services.access import own_patient_ids
from tcm_app.services.audit import record_audit
from treatments.booking_rules import BookingStatus
from treatments.models import CourseRecommendation, TreatmentCourse
from treatments.services.catalogue import therapy_by_code

# Sane bounds for a recommendation (inclusive): at most 30 sessions (the booking service's own
# course limit), at least weekly, at most two weeks' rest.
LIMITS = {
    "sessions": (1, 30),
    "every_days": (1, 7),
    "course_length": (0, 30),
    "rest_days": (0, 14),
}
DEFAULTS = {"sessions": 10, "every_days": 2, "course_length": 10, "rest_days": 3}


def _out_of_range(numbers: dict) -> dict:
    problems = {}
    for name, (low, high) in LIMITS.items():
        value = numbers[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            problems[name] = ["out_of_range"]
    return problems


def recommend(
    encounter: Encounter,
    doctor,
    therapy_code: str,
    sessions: int,
    every_days: int,
    course_length: int = 0,
    rest_days: int = 0,
    note: str = "",
) -> CourseRecommendation:
    """Attach a course recommendation to the doctor's own encounter; audited; flushes."""
    if encounter.doctor_id != doctor.id:
        raise PermissionDeniedError(
            "only the visit's doctor recommends a course", code="not_the_encounter_doctor"
        )
    if str(encounter.status) == "cancelled":
        raise ConflictError("this visit was cancelled", code="encounter_closed")
    therapy = therapy_by_code(therapy_code)
    numbers = {
        "sessions": sessions,
        "every_days": every_days,
        "course_length": course_length,
        "rest_days": rest_days,
    }
    problems = _out_of_range(numbers)
    if problems:
        raise ValidationError(
            "sessions 1-30, every 1-7 days, up to 30 sessions a course, 0-14 rest days",
            code="bad_course",
            fields=problems,
        )
    rec = CourseRecommendation(
        encounter_id=encounter.id,
        doctor_id=doctor.id,
        therapy_id=therapy.id,
        note=(note or "").strip()[:2000],
        **numbers,
    )
    db.session.add(rec)
    db.session.flush()
    record_audit(
        "treatment.recommend_course",
        "course_recommendation",
        rec.id,
        f"{sessions} × {therapy.code} every {every_days} d on encounter {encounter.id}",
        numbers,
        actor=doctor,
    )
    return rec


def is_booked(rec: CourseRecommendation) -> bool:
    """Booked once a course from it holds a session that was not cancelled."""
    return any(
        booking.status != BookingStatus.CANCELLED
        for course in rec.courses
        for booking in course.bookings
    )


def for_encounter(encounter: Encounter) -> list[CourseRecommendation]:
    return list(
        db.session.scalars(
            select(CourseRecommendation)
            .where(CourseRecommendation.encounter_id == encounter.id)
            .order_by(CourseRecommendation.id)
        )
    )


# What a list of recommendations reads of each (is_booked, the patient's list): with the rows,
# not one query per recommendation.
LISTED = (
    joinedload(CourseRecommendation.therapy),
    joinedload(CourseRecommendation.doctor),
    joinedload(CourseRecommendation.encounter),
    selectinload(CourseRecommendation.courses).selectinload(TreatmentCourse.bookings),
)


def for_patient(
    user, open_only: bool = True, own_ids: list[int] | None = None
) -> list[CourseRecommendation]:
    """Recommendations on the encounters of the user and their wards, newest first; by default
    only those not yet booked. `own_ids`: the user's own_patient_ids, if read already."""
    ids = own_patient_ids(user) if own_ids is None else own_ids
    if not ids:
        return []
    rows = db.session.scalars(
        select(CourseRecommendation)
        .join(Encounter, Encounter.id == CourseRecommendation.encounter_id)
        .where(Encounter.patient_id.in_(ids))
        .options(*LISTED)
        .order_by(CourseRecommendation.id.desc())
    )
    return [rec for rec in rows if not (open_only and is_booked(rec))]


def visible_recommendation(user, recommendation_id: int) -> CourseRecommendation | None:
    """The recommendation when it is on an encounter of the user or a ward, else None."""
    rec = db.session.get(CourseRecommendation, recommendation_id)
    if rec is None or rec.encounter.patient_id not in own_patient_ids(user):
        return None
    return rec
