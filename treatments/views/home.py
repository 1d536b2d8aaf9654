"""Home-visit pages (上门护理): the patient books from their address book (address, therapy and
day → a free time → screening and home questions); the practitioner's day route on a phone,
with check-in and check-out at the door."""

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services import clock
from tcm_app.views.guards import roles_required
from tcm_app.views.helpers import apply_errors
from treatments import screening
from treatments.forms.home import CheckOutForm, HomeSearchForm, home_booking_form, yes_no
from treatments.forms.staff import check_in_form
from treatments.home_visits import HOME_QUESTIONS
from treatments.services import access, availability, calendar, home_visits
from treatments.views.blueprint import bp
from treatments.views.patient import (
    int_or_none,
    offered_slots,
    parse_start,
    practitioner_names,
    therapy_name,
)
from treatments.views.staff import _commit_or_flash


@bp.route("/home/book", methods=["GET", "POST"])
@roles_required(Role.PATIENT, *access.DESK)
def home_booking_new():
    """Step 1 and 2 (GET): address, therapy, day → free times. Step 3: questions, book."""
    patient = access.patient_to_book_for(current_user, request.values.get("patient_id"))
    start = parse_start(request.values.get("start"))
    practitioner_id = int_or_none(request.values.get("practitioner_id"))
    if start and practitioner_id and request.values.get("address_id"):
        try:
            therapy = home_visits.home_therapy(request.values.get("therapy"))
        except TCMError:
            therapy = None
        if therapy is not None:
            return _confirm_step(patient, therapy, start, practitioner_id)
    return _search_step(patient)


def _search_step(patient):
    therapies = home_visits.home_therapies()
    args = request.args.copy()
    args.setdefault("day", (clock.clinic_today() + timedelta(days=1)).isoformat())
    form = HomeSearchForm(args)
    addresses = home_visits.addresses_of(patient)
    form.address_id.choices = [(str(a.id), f"{a.region} {a.recipient}") for a in addresses]
    form.therapy.choices = [(t.code, therapy_name(t)) for t in therapies]
    form.practitioner_id.choices = [("", _("Any practitioner"))] + [
        (str(pid), name) for pid, name in practitioner_names().items()
    ]
    form.patient_id.data = str(patient.id)
    found, status = None, 200
    if request.args.get("therapy") and form.validate():
        try:
            found = _free_times(form, patient)
        except TCMError as exc:
            apply_errors(form, exc)
            status = 422
    return render_template(
        "treatments/home/book.html",
        form=form,
        therapies=therapies,
        addresses=addresses,
        patient=patient,
        found=found,
        districts=sorted(home_visits.service_area().travel),
    ), status


def _free_times(form, patient) -> dict:
    """The day's free times (or the first later day's, within two weeks)."""
    therapy = home_visits.home_therapy(form.therapy.data)
    address = home_visits.address_of(patient, form.address_id.data)
    travel = home_visits.travel_to(address)
    today = clock.clinic_today()
    horizon = today + timedelta(days=current_app.config["TREATMENT_BOOKING_DAYS"])
    day = min(max(form.day.data, today), horizon)
    last = min(day + timedelta(days=14), horizon)
    wanted = int_or_none(form.practitioner_id.data)
    slots = home_visits.free_slots(therapy, travel, day, last, wanted, patient.id)
    shown = availability.to_local(slots[0].starts_at).date() if slots else None
    by_practitioner: dict = {}
    for slot in slots:
        if availability.to_local(slot.starts_at).date() == shown:
            by_practitioner.setdefault(slot.practitioner_id, []).append(slot)
    return {
        "therapy": therapy,
        "address": address,
        "travel": travel,
        "asked": day,
        "day": shown,
        "last": last,
        "names": practitioner_names(therapy),
        "by_practitioner": by_practitioner,
    }


def _confirm_step(patient, therapy, start, practitioner_id):
    codes = screening.questions_for(therapy.contraindications or {}, "booking")
    form = home_booking_form(codes)()
    form.therapy.data, form.start.data = therapy.code, start.isoformat()
    form.practitioner_id.data, form.patient_id.data = str(practitioner_id), str(patient.id)
    form.address_id.data = request.values.get("address_id")
    alternatives = []
    if form.validate_on_submit():
        wanted = home_visits.HomeRequest(
            therapy,
            int_or_none(form.address_id.data) or 0,
            start,
            practitioner_id,
            yes_no(form, codes),
            yes_no(form, HOME_QUESTIONS),
        )
        try:
            booking = home_visits.book(current_user, patient, wanted)
            db.session.commit()
            flash(_("Home visit booked. The practitioner comes to your address."), "success")
            return redirect(url_for("treatments.booking_view", booking_id=booking.id))
        except TCMError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            alternatives = offered_slots(exc)
    return render_template(
        "treatments/home/confirm.html",
        form=form,
        therapy=therapy,
        start=start,
        screening_codes=codes,
        home_codes=list(HOME_QUESTIONS),
        practitioner_name=practitioner_names().get(practitioner_id, ""),
        address=_address_or_none(patient, form.address_id.data),
        patient=patient,
        alternatives=alternatives,
        names=practitioner_names(),
    ), (422 if request.method == "POST" else 200)


def _address_or_none(patient, address_id):
    try:
        return home_visits.address_of(patient, address_id)
    except TCMError:
        return None


# --- the practitioner's route -----------------------------------------------------------------


@bp.route("/home/route")
@roles_required(*access.STAFF)
def home_route():
    """The signed-in practitioner's home visits of a day (?date=, default today) in visit
    order, each with its full address and the door's check-in and check-out."""
    today = clock.clinic_today()
    day = calendar.parse_query({"date": request.args.get("date")}, today).day
    visits = home_visits.route(current_user.id, day)
    return render_template(
        "treatments/home/route.html",
        day=day,
        today=today,
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        visits=visits,
        practitioner=home_visits.is_practitioner(current_user),
        check_in=lambda b: check_in_form(
            screening.questions_for(b.therapy.contraindications or {}, "check_in"), formdata=None
        ),
        check_out=CheckOutForm(formdata=None),
        leave_by=_leave_by,
    )


def _leave_by(booking) -> str:
    leave = booking.starts_at - timedelta(minutes=booking.travel_minutes)
    return availability.to_local(leave).strftime("%H:%M")


@bp.route("/bookings/<int:booking_id>/check-out", methods=["POST"])
@roles_required(*access.STAFF)
def booking_check_out(booking_id: int):
    booking = access.visible_booking(current_user, booking_id)
    if not CheckOutForm().validate():
        flash(_("The form expired. Reload and try again."), "error")
    elif _commit_or_flash(lambda: home_visits.check_out(current_user, booking)):
        flash(_("Checked out. Safe journey."), "success")
    return redirect(url_for("treatments.home_route"))
