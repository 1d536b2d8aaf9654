"""Treatment pages for staff: the day and week calendar, the booking actions (check-in with a
second screening, no-show, the practitioner's record), the printed day sheet, and each
practitioner's iCalendar feed (public, opened by its secret address)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.labels import label
from tcm_app.models.accounts import Role
from tcm_app.models.types import utcnow
from tcm_app.services import clock
from tcm_app.services.clock import clinic_today
from tcm_app.views.auth import safe_next
from tcm_app.views.guards import public, roles_required
from tcm_app.views.helpers import flash_error
from tcm_app.views.responses import pdf_response
from treatments import screening
from treatments.booking_rules import BookingStatus
from treatments.forms.staff import ActionForm, CompleteForm, answers_of, check_in_form
from treatments.models import Practitioner
from treatments.services import access, calendar, documents, ical, moves
from treatments.views.blueprint import bp

CALENDAR_ROLES = access.STAFF


def _own_practitioner() -> Practitioner | None:
    found = db.session.get(Practitioner, current_user.id)
    return found if found is not None and found.active else None


@bp.route("/calendar", endpoint="calendar")
@roles_required(*CALENDAR_ROLES)
def calendar_view():
    """Day or week, by practitioner or by bed/room; a doctor starts on their own column."""
    own = _own_practitioner()
    default_id = own.user_id if own is not None and current_user.role == Role.DOCTOR else None
    today = clock.clinic_today()
    try:
        query = calendar.parse_query(request.args, today, default_id)
    except TCMError as exc:
        flash_error(exc)
        return render_template("treatments/staff/calendar.html", view=None, today=today), 400
    return render_template(
        "treatments/staff/calendar.html",
        view=calendar.build(query),
        today=today,
        neighbours=calendar.neighbours(query),
        choices=calendar.filter_choices(),
        own=own,
        feed_url=ical.feed_url(own) if own is not None else None,
        reset_form=ActionForm(),
    )


@bp.route("/today", endpoint="my_day")
@roles_required(*CALENDAR_ROLES)
def my_day_view():
    """The home page of staff who treat: today's own treatments, in time order."""
    return render_template("treatments/staff/today.html", today=clinic_today())


def therapist_home(user) -> str | None:
    """Clinic staff who treat land on their own day; the desk keeps the desk."""
    if user.role != Role.CLINIC:
        return None
    found = db.session.get(Practitioner, user.id)
    return "treatments.my_day" if found is not None and found.active else None


@bp.record_once
def _register_home(state) -> None:
    state.app.extensions.setdefault("tcm_home_for", []).append(therapist_home)


@bp.app_context_processor
def own_day_helpers() -> dict:
    """`own_treatments_today()`: the signed-in practitioner's treatments today (None when the
    user does not treat), for the therapist's home and the doctor's workbench."""

    def own_treatments_today():
        own = _own_practitioner() if current_user.is_authenticated else None
        if own is None:
            return None
        return calendar.own_day(own.user_id, clinic_today())

    return {"own_treatments_today": own_treatments_today}


def _back(booking_id: int):
    return redirect(
        safe_next(request.form.get("next"))
        or url_for("treatments.booking_view", booking_id=booking_id)
    )


def _commit_or_flash(action) -> bool:
    """Run the service call and commit once; a refusal becomes a flash, never a 500."""
    try:
        result = action()
        db.session.commit()
        return result if result is not None else True
    except TCMError as exc:
        db.session.rollback()
        flash_error(exc)
    except StaleDataError:
        db.session.rollback()
        flash(_("The booking changed meanwhile. Reload and try again."), "error")
    return False


@bp.route("/bookings/<int:booking_id>/check-in", methods=["POST"])
@roles_required(*access.STAFF)
def booking_check_in(booking_id: int):
    booking = access.visible_booking(current_user, booking_id)
    form = check_in_form(
        screening.questions_for(booking.therapy.contraindications or {}, "check_in")
    )
    if not form.validate():
        flash(_("Answer every screening question (yes or no) before checking in."), "error")
        return _back(booking_id)
    result = _commit_or_flash(lambda: moves.check_in(current_user, booking, answers_of(form)))
    if result is False:
        return _back(booking_id)
    reasons = ", ".join(str(label(f.question)) for f in result.findings)
    if result.blocked:
        flash(_("Not treated today: %(reasons)s. Reschedule.", reasons=reasons), "error")
    elif result.findings:
        flash(_("Checked in. Tell the practitioner: %(reasons)s.", reasons=reasons), "warning")
    else:
        flash(_("Checked in."), "success")
    return _back(booking_id)


@bp.route("/bookings/<int:booking_id>/no-show", methods=["POST"])
@roles_required(*access.STAFF)
def booking_no_show(booking_id: int):
    booking = access.visible_booking(current_user, booking_id)
    if not ActionForm().validate():
        flash(_("The form expired. Reload and try again."), "error")
    elif _commit_or_flash(lambda: moves.mark_no_show(current_user, booking)):
        flash(_("Recorded as not come."), "success")
    return _back(booking_id)


@bp.route("/bookings/<int:booking_id>/complete", methods=["POST"])
@roles_required(*access.STAFF)
def booking_complete(booking_id: int):
    """Only the booked practitioner records what was done (the service refuses others)."""
    booking = access.visible_booking(current_user, booking_id)
    form = CompleteForm()
    if not form.validate():
        for errors in form.errors.values():
            flash(", ".join(str(e) for e in errors), "error")
        return _back(booking_id)
    done = _commit_or_flash(
        lambda: moves.complete(
            current_user,
            booking,
            form.points.data,
            form.minutes_done.data,
            form.reaction.data or "",
            form.note.data or "",
        )
    )
    if done:
        flash(_("Treatment recorded."), "success")
    return _back(booking_id)


@bp.route("/day-sheet.pdf")
@roles_required(*access.STAFF)
def day_sheet():
    """The printed day sheet (A4) for one practitioner or all."""
    today = clock.clinic_today()
    try:
        query = calendar.parse_query(request.args, today)
    except TCMError as exc:
        flash_error(exc)
        return redirect(url_for("treatments.calendar"))
    practitioner_id = query.practitioner_id
    if current_user.role == Role.DOCTOR:  # a doctor prints their own sheet, not the clinic's
        practitioner_id = current_user.id
    pdf = documents.day_sheet_pdf(query.day, practitioner_id)
    return pdf_response(pdf, f"day-sheet-{query.day.isoformat()}.pdf", inline=True)


@bp.route("/practitioners/<int:practitioner_id>/<calendar_token>.ics")
@public
def calendar_feed(practitioner_id: int, calendar_token: str):
    """The practitioner's bookings for calendar apps (no login: the address is the secret)."""
    practitioner = ical.practitioner_by_token(practitioner_id, calendar_token)
    body = ical.feed(practitioner, utcnow())
    return body, 200, {"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "no-store"}


@bp.route("/calendar/feed-address", methods=["POST"])
@roles_required(*access.STAFF)
def calendar_feed_reset():
    """Give the signed-in practitioner a new feed address (the old one stops working)."""
    own = _own_practitioner()
    if own is None or not ActionForm().validate():
        flash(_("Only a practitioner has a calendar feed."), "error")
    elif _commit_or_flash(lambda: ical.rotate_token(current_user, own)):
        flash(_("New calendar address made. Update it in your calendar app."), "success")
    return redirect(url_for("treatments.calendar"))


@bp.context_processor
def staff_booking_panel():
    """`staff_panel(booking)` for templates/treatments/staff/_booking_actions.html."""
    return {"staff_panel": _panel}


def _panel(booking) -> dict | None:
    if not current_user.is_authenticated or current_user.role not in access.STAFF:
        return None
    questions = screening.questions_for(booking.therapy.contraindications or {}, "check_in")
    last = booking.screenings[-1] if booking.screenings else None
    blocked = last is not None and last.stage == "check_in" and last.outcome == "block"
    return {
        "questions": questions,
        "check_in": check_in_form(questions, formdata=None),
        "complete": CompleteForm(formdata=None, minutes_done=booking.therapy.minutes),
        "action": ActionForm(formdata=None),
        "can_check_in": booking.status == BookingStatus.BOOKED,
        "can_no_show": booking.status == BookingStatus.BOOKED and utcnow() >= booking.starts_at,
        "can_complete": booking.status == BookingStatus.CHECKED_IN
        and booking.practitioner_id == current_user.id,
        "blocked_today": [label(f["question"]) for f in last.findings] if blocked else None,
    }
