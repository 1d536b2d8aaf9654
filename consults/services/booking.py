"""Online consult sessions of doctors and patients' bookings of their slots. A slot is booked once:
the database refuses a second active booking (partial unique index), not only this code."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from consults import slots
from consults.models import ConsultBooking, ConsultException, ConsultSession
from tcm_app.common.errors import ConflictError, PermissionDeniedError, ValidationError
from tcm_app.common.online_care import ONLINE_KINDS, EncounterStatus
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.models.types import utcnow
from tcm_app.services import clock
from tcm_app.services.audit import record_audit
from tcm_app.services.encounters import cancel_encounter, request_encounter

BOOKING_DAYS = 14


def clinic_zone() -> ZoneInfo:
    return clock.clinic_zone()


def add_session(doctor: User, weekday: int, start: time, end: time, minutes: int) -> ConsultSession:
    session = slots.WeeklySession(weekday, start, end, minutes)
    problems = slots.session_problems(session)
    if problems:
        raise ValidationError("the session is not valid", problems[0])
    row = ConsultSession(
        doctor_id=doctor.id, weekday=weekday, start_time=start, end_time=end, slot_minutes=minutes
    )
    db.session.add(row)
    db.session.flush()
    record_audit("consult.session_add", "user", doctor.id, f"weekday {weekday} {start}-{end}")
    return row


def remove_session(doctor: User, session_id: int) -> None:
    row = db.session.get(ConsultSession, session_id)
    if row is None or row.doctor_id != doctor.id:
        raise PermissionDeniedError("not your session", "not_yours")
    row.active = False
    record_audit("consult.session_remove", "user", doctor.id, f"session {session_id}")


def add_exception(doctor: User, day: date, closed: bool, start=None, end=None, minutes=None):
    if not closed:
        problems = slots.session_problems(slots.WeeklySession(day.weekday(), start, end, minutes))
        if problems:
            raise ValidationError("the hours are not valid", problems[0])
    row = ConsultException(
        doctor_id=doctor.id,
        day=day,
        closed=closed,
        start_time=start,
        end_time=end,
        slot_minutes=minutes,
    )
    db.session.add(row)
    db.session.flush()
    record_audit(
        "consult.exception_add", "user", doctor.id, f"{day} {'closed' if closed else 'hours'}"
    )
    return row


def _schedule(doctor_id: int) -> tuple[list, list]:
    sessions = [
        slots.WeeklySession(r.weekday, r.start_time, r.end_time, r.slot_minutes)
        for r in db.session.scalars(
            select(ConsultSession).where(
                ConsultSession.doctor_id == doctor_id, ConsultSession.active
            )
        )
    ]
    by_day: dict[date, list] = {}
    closed: set[date] = set()
    for row in db.session.scalars(
        select(ConsultException).where(ConsultException.doctor_id == doctor_id)
    ):
        if row.closed:
            closed.add(row.day)
        else:
            by_day.setdefault(row.day, []).append((row.start_time, row.end_time, row.slot_minutes))
    exceptions = [slots.ScheduleException(day, True, ()) for day in closed]
    exceptions += [
        slots.ScheduleException(day, False, tuple(hours))
        for day, hours in by_day.items()
        if day not in closed
    ]
    return sessions, exceptions


def free_slots(doctor: User, start_day: date | None = None, days: int = BOOKING_DAYS, now=None):
    """The doctor's slots in the range that are still bookable and not booked."""
    now = now or utcnow()
    start_day = start_day or now.astimezone(clinic_zone()).date()
    sessions, exceptions = _schedule(doctor.id)
    try:
        candidates = slots.generate_slots(sessions, exceptions, start_day, days, clinic_zone(), now)
    except slots.SlotError as exc:
        raise exc.refusal() from exc
    taken = set(
        db.session.scalars(
            select(ConsultBooking.starts_at).where(
                ConsultBooking.doctor_id == doctor.id, ConsultBooking.status == "booked"
            )
        )
    )
    return [s for s in candidates if s.starts_at not in taken and slots.bookable(s, now)]


def book(
    actor: User,
    patient,
    doctor: User,
    starts_at: datetime,
    kind: str,
    complaint: str,
    encounter: Encounter | None = None,
):
    """Book a slot for `encounter`, else for the follow-up the patient already requested from this
    doctor (one visit, not two), else for a new visit request: all written together, or nothing."""
    if doctor is None or doctor.role != Role.DOCTOR:
        raise ValidationError("choose a doctor", fields={"doctor_id": ["unknown"]})
    slot = next((s for s in free_slots(doctor) if s.starts_at == starts_at), None)
    if slot is None:
        raise ConflictError("this time is no longer free; choose another", "slot_taken")
    local_day = slot.starts_at.astimezone(clinic_zone()).date()
    if encounter is None:
        encounter = open_request(patient, doctor)
    if encounter is None:
        encounter = request_encounter(actor, patient, doctor, kind, complaint, local_day)
    else:
        _check_bookable(encounter, patient, doctor)
        encounter.scheduled_on = local_day
    booking = ConsultBooking(
        doctor_id=doctor.id,
        encounter=encounter,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )
    db.session.add(booking)
    try:
        db.session.flush()
    except IntegrityError as exc:  # booked by someone else a moment ago
        db.session.rollback()
        raise ConflictError("this time is no longer free; choose another", "slot_taken") from exc
    record_audit("consult.book", "encounter", encounter.id, f"slot {slot.starts_at.isoformat()}")
    return booking


def open_request(patient, doctor: User) -> Encounter | None:
    """The patient's online visit with this doctor that is requested and not yet booked."""
    rows = db.session.scalars(
        select(Encounter)
        .where(
            Encounter.patient_id == patient.id,
            Encounter.doctor_id == doctor.id,
            Encounter.status == EncounterStatus.REQUESTED,
            Encounter.kind.in_(ONLINE_KINDS),
        )
        .order_by(Encounter.id.desc())
    )
    return next((e for e in rows if not _has_booking(e)), None)


def unbooked_requests(encounters_query) -> list[Encounter]:
    """Online visits in `encounters_query` (a caller's scope) requested and not yet booked."""
    rows = db.session.scalars(
        encounters_query.where(
            Encounter.status == EncounterStatus.REQUESTED, Encounter.kind.in_(ONLINE_KINDS)
        ).order_by(Encounter.id)
    )
    return [e for e in rows if not _has_booking(e)]


def _has_booking(encounter: Encounter) -> bool:
    found = select(ConsultBooking.id).where(ConsultBooking.encounter_id == encounter.id)
    return db.session.scalar(found) is not None


def _check_bookable(encounter: Encounter, patient, doctor: User) -> None:
    if encounter.patient_id != patient.id or encounter.doctor_id != doctor.id:
        raise ValidationError("this visit is with another doctor", "wrong_visit")
    if encounter.status != EncounterStatus.REQUESTED or encounter.kind not in ONLINE_KINDS:
        raise ConflictError("this visit can no longer be booked", "encounter_closed")
    if _has_booking(encounter):
        raise ConflictError("this visit already has a booked time", "already_booked")


def active_booking(encounter: Encounter) -> ConsultBooking | None:
    """The visit's booked consult, if it has one that is not cancelled."""
    found = encounter.booking
    return found if found is not None and found.status == "booked" else None


@event.listens_for(Encounter.status, "set")
def _free_the_slot_of_a_cancelled_visit(encounter, value, _old, _initiator) -> None:
    """A visit cancelled from its page (core) frees its booked time, as cancel_booking does."""
    if value != EncounterStatus.CANCELLED or encounter.id is None:
        return
    with db.session.no_autoflush:
        made = db.session.scalar(
            select(ConsultBooking).where(
                ConsultBooking.encounter_id == encounter.id, ConsultBooking.status == "booked"
            )
        )
        if made is not None:
            made.status = "cancelled"
            record_audit("consult.cancel", "encounter", encounter.id, "visit cancelled, slot freed")


def cancel_booking(encounter: Encounter, actor: User) -> None:
    booking = encounter.booking
    if booking is None or booking.status != "booked":
        raise ConflictError("there is no booking to cancel", "no_booking")
    cancel_encounter(encounter, actor)  # the visit's cancellation frees the slot (and audits)
    booking.status = "cancelled"


def waiting_room_open(encounter: Encounter, now=None) -> bool:
    """Without a booking (a request without a slot) the room is open while the visit is open;
    so it is while the doctor's call is on, whatever the booked time (a patient called back)."""
    booking = encounter.booking
    if booking is None or booking.status != "booked" or _call_in_progress(encounter):
        return True
    return slots.waiting_room_open(slots.Slot(booking.starts_at, booking.ends_at), now or utcnow())


def _call_in_progress(encounter: Encounter) -> bool:
    call = encounter.call
    return call is not None and call.started_at is not None and call.ended_at is None
