"""A treatment booking's page (patient, or staff through access.visible_booking): details, the
screening answers, cancel with a reason and reschedule under the online cut-off; the staff
helper's check-in / no-show / complete forms are included from treatments/staff."""

from datetime import datetime, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.labels import error_message
from tcm_app.models.accounts import Role
from tcm_app.models.types import utcnow
from tcm_app.services.audit import record_refusal
from tcm_app.views.guards import roles_required
from treatments.booking_rules import BookingStatus
from treatments.forms.patient import CancelForm, RescheduleForm
from treatments.models import Booking
from treatments.services import access, availability, moves
from treatments.views.blueprint import bp
from treatments.views.patient import (
    clinic_today,
    int_or_none,
    local_time,
    parse_start,
    practitioner_names,
)


def cancel_deadline(booking: Booking) -> datetime:
    return booking.starts_at - timedelta(hours=current_app.config["TREATMENT_CANCEL_HOURS"])


def render_booking(booking: Booking, cancel_form=None, status=200):
    by_patient = current_user.role == Role.PATIENT
    deadline = cancel_deadline(booking)
    answers = next((s for s in booking.screenings if s.stage == "booking"), None)
    return render_template(
        "treatments/patient/booking.html",
        booking=booking,
        cancel_form=cancel_form or CancelForm(formdata=None),
        deadline=deadline,
        past_cutoff=by_patient and utcnow() > deadline,
        movable=booking.status == BookingStatus.BOOKED and utcnow() < booking.starts_at,
        screening_answers=answers,
        by_patient=by_patient,
    ), status


@bp.route("/bookings/<int:booking_id>")
@roles_required(Role.PATIENT, *access.STAFF)
def booking_view(booking_id: int):
    return render_booking(access.visible_booking(current_user, booking_id))


@bp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@roles_required(Role.PATIENT, *access.DESK)
def booking_cancel(booking_id: int):
    booking = access.visible_booking(current_user, booking_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            moves.cancel(current_user, booking, form.reason.data)
            db.session.commit()
            flash(_("The booking is cancelled."), "success")
            return redirect(url_for("treatments.booking_view", booking_id=booking.id))
        except TCMError as exc:
            db.session.rollback()
            record_refusal(exc)
            form.form_errors.append(error_message(exc.code, exc.message))
    return render_booking(booking, form, 422)


@bp.route("/bookings/<int:booking_id>/reschedule", methods=["GET", "POST"])
@roles_required(Role.PATIENT, *access.DESK)
def booking_reschedule(booking_id: int):
    """Pick a new day → its free times (this booking's own place counts as free, its own time is
    not offered) → move."""
    booking = access.visible_booking(current_user, booking_id)
    day = _day_arg(request.values.get("day")) or availability.to_local(booking.starts_at).date()
    slots = _reschedule_slots(booking, day)
    form = RescheduleForm()
    form.slot.choices = [(_slot_value(s), local_time(s.starts_at)) for s in slots]
    if form.validate_on_submit():
        iso, _sep, pid = form.slot.data.partition("|")
        try:
            moves.reschedule(current_user, booking, parse_start(iso), int_or_none(pid))
            db.session.commit()
            flash(_("The booking is moved."), "success")
            return redirect(url_for("treatments.booking_view", booking_id=booking.id))
        except TCMError as exc:
            db.session.rollback()
            record_refusal(exc)
            form.form_errors.append(error_message(exc.code, exc.message))
    names = practitioner_names(booking.therapy)
    grouped = {}
    for slot in slots:
        grouped.setdefault(slot.practitioner_id, []).append(slot)
    return render_template(
        "treatments/patient/reschedule.html",
        booking=booking,
        form=form,
        day=day,
        grouped=grouped,
        names=names,
        slot_value=_slot_value,
        deadline=cancel_deadline(booking),
    ), (422 if request.method == "POST" else 200)


def _day_arg(value):
    try:
        return datetime.strptime(str(value or ""), "%Y-%m-%d").date()
    except ValueError:
        return None


def _slot_value(slot) -> str:
    return f"{slot.starts_at.isoformat()}|{slot.practitioner_id}"


def _reschedule_slots(booking: Booking, day) -> list:
    today = clinic_today()
    horizon = today + timedelta(days=current_app.config["TREATMENT_BOOKING_DAYS"])
    if not today <= day <= horizon or booking.status != BookingStatus.BOOKED:
        return []
    free = availability.free_slots(
        booking.therapy, day, day, None, booking.patient_id, ignore_booking_id=booking.id
    )
    # Its own place counts as free (so overlapping times are offered), but its own time is
    # where it already is: never offered, with its practitioner or another.
    return [slot for slot in free if slot.starts_at != booking.starts_at]
