"""Moving a booking: cancel (cut-off for patients, a reason always), reschedule, check-in with a
second screening, no-show and the practitioner's completion record. Each move is checked against
the booking's status and saved with the version column, so a stale form cannot apply twice."""

from datetime import datetime

from flask import current_app

from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.types import utcnow
from tcm_app.services.audit import record_audit
from treatments import booking_rules, screening
from treatments.booking_rules import BookingStatus
from treatments.models import Booking
from treatments.services import availability
from treatments.services.bookings import (
    Request,
    answers_with_record,
    check_request,
    free_at,
    hold_cells,
    record_screening,
    refusal_for,
    release_cells,
)


def _policy() -> booking_rules.CancelPolicy:
    hours = current_app.config["TREATMENT_CANCEL_HOURS"]
    return booking_rules.CancelPolicy(hours, availability.clinic_zone())


def _require_move(booking: Booking, action: str) -> None:
    try:
        booking_rules.require_move(action, booking.status)
    except booking_rules.BookingError as exc:
        raise exc.refusal(ConflictError) from exc


def _require_policy(booking: Booking, actor, now) -> None:
    try:
        _policy().require_changeable(booking.starts_at, now, by_staff=actor.role != "patient")
    except booking_rules.BookingError as exc:
        raise exc.refusal(ConflictError) from exc


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
    if booking.at_home:  # its travel and address: cancel it and book the new time instead
        raise ConflictError("a home visit is cancelled and booked again", "home_reschedule")
    _require_move(booking, "reschedule")
    _require_policy(booking, actor, now)
    request = Request(booking.therapy, starts_at, practitioner_id or booking.practitioner_id, {})
    check_request(booking.patient, request, now)
    match, free = free_at(request, booking.patient_id, now, ignore_booking_id=booking.id)
    if match is None:
        raise refusal_for(request, booking.patient_id, now, free, ignore_booking_id=booking.id)
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
    hold_cells(booking, request, booking.patient_id, now, preferred=match.resource_id)
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
    record_screening(booking, "check_in", request.answers, result, actor)
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
