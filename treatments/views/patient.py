"""Treatment pages (patient, mobile-first): my treatments, booking a session in three steps
(therapy and day → a free time → screening and confirm), a booking's page with cancel and
reschedule. The clinic desk uses the same booking page with ?patient_id=N."""

from datetime import datetime, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload

from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.labels import error_message, label
from tcm_app.models.accounts import Role
from tcm_app.models.types import utcnow
from tcm_app.services import clock
from tcm_app.services.access import own_patient_ids
from tcm_app.services.audit import record_refusal
from tcm_app.views.guards import roles_required
from treatments import screening
from treatments.booking_rules import LIVE_STATUSES
from treatments.forms.patient import (
    BookingForm,
    SlotSearchForm,
    answers_of,
    with_screening,
)
from treatments.models import Booking, Practitioner
from treatments.services import access, availability, bookings, catalogue, recommendations
from treatments.views.blueprint import bp

LOOK_AHEAD_DAYS = 14  # an empty day: show the first free day within two weeks


@bp.app_context_processor
def treatment_helpers() -> dict:
    """For the encounter page's course section and every treatment template."""
    return {
        "therapy_name": therapy_name,
        "treatment_courses_for": recommendations.for_encounter,
        "course_is_booked": recommendations.is_booked,
        "course_recommend_form": recommend_form,
    }


def therapy_name(therapy) -> str:
    return therapy.name_en if str(get_locale()) == "en" and therapy.name_en else therapy.name


def recommend_form(formdata=None):
    from treatments.forms.patient import CourseRecommendForm

    form = CourseRecommendForm(formdata=formdata)
    form.therapy.choices = [(t.code, therapy_name(t)) for t in catalogue.active_therapies()]
    if form.therapy.data is None:
        form.therapy.data = "acupuncture"
    return form


def clinic_today():
    return clock.clinic_today()


def practitioner_names(therapy=None) -> dict:
    """Practitioner id → name: those qualified for `therapy`, or for any therapy."""
    therapies = [therapy] if therapy else catalogue.active_therapies()
    return names_of_any(catalogue.qualified_names(therapies))


def names_of_any(qualified: dict) -> dict:
    """Practitioner id → name of those qualified for any of the therapies (catalogue's
    qualified_names), in the therapies' order: the first therapy's, then newcomers."""
    names: dict = {}
    for by_id in qualified.values():
        for pid, name in by_id.items():
            names.setdefault(pid, name)
    return names


def local_time(moment: datetime) -> str:
    return availability.to_local(moment).strftime("%H:%M")


def parse_start(value) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value or ""))
    except ValueError:
        return None
    if moment.tzinfo is None or not 2000 <= moment.year <= 2999:  # far years overflow on display
        return None
    return moment


def int_or_none(value) -> int | None:
    return int(value) if str(value or "").isdigit() and len(str(value)) < 10 else None


def offered_slots(exc: TCMError) -> list:
    """The alternatives a refusal offers, as (start, practitioner id) with the start aware."""
    found = []
    for slot in exc.fields.get("alternatives") or []:
        start = parse_start(slot.get("start")) if isinstance(slot, dict) else None
        if start is not None:
            found.append((start, slot.get("practitioner_id")))
    return found


def show_refusal(form, exc: TCMError, therapy) -> None:
    """A refusal on the confirm form: a blocked screening names the answers that block it."""
    db.session.rollback()
    record_refusal(exc)
    if exc.code == "contraindicated":
        for code in exc.fields:
            if hasattr(form, code):
                getattr(form, code).errors = [_("This answer rules this therapy out for now.")]
        form.form_errors.append(
            _(
                "%(therapy)s cannot be booked because of your answer to: %(questions)s. "
                "Ask your doctor, who may advise another therapy.",
                therapy=therapy_name(therapy),
                questions="; ".join(label(code) for code in exc.fields),
            )
        )
        return
    if exc.code == "screening_incomplete":
        for code in exc.fields:
            if hasattr(form, code):
                getattr(form, code).errors = [_("Answer this question.")]
    form.form_errors.append(error_message(exc.code, exc.message))


# --- my treatments --------------------------------------------------------------------------

# What each booking's line shows (tm.booking_item), read with the bookings rather than one by
# one. The patient is left to load on demand: it shows only for a ward's booking (once each).
BOOKING_ITEM = (
    joinedload(Booking.therapy),
    joinedload(Booking.practitioner).joinedload(Practitioner.user),
    joinedload(Booking.resource),
)


@bp.route("/")
@roles_required(Role.PATIENT)
def my_bookings():
    """Upcoming and past bookings of the patient and their wards, and course advice to book."""
    now = utcnow()
    own = own_patient_ids(current_user)  # once, for the bookings, the advice and "for whom"
    rows = db.session.scalars(
        access.bookings_query(current_user, own).options(*BOOKING_ITEM).order_by(Booking.starts_at)
    ).all()
    upcoming = [b for b in rows if b.starts_at >= now and b.status in LIVE_STATUSES]
    past = [b for b in reversed(rows) if b not in upcoming][:50]
    return render_template(
        "treatments/patient/my_bookings.html",
        upcoming=upcoming,
        past=past,
        recommendations=recommendations.for_patient(current_user, own_ids=own),
        me_id=own[0] if own else None,
    )


# --- booking a session ----------------------------------------------------------------------


@bp.route("/book", methods=["GET", "POST"])
@roles_required(Role.PATIENT, *access.DESK)
def booking_new():
    """Step 1 and 2 (GET): therapy, practitioner, day → free times. Step 3: screening, book."""
    patient, choices = access.patients_to_book_for(current_user, request.values.get("patient_id"))
    # Read once: every step lists or looks up the active therapies.
    therapies = catalogue.active_therapies()
    code = request.values.get("therapy")
    start = parse_start(request.values.get("start"))
    practitioner_id = int_or_none(request.values.get("practitioner_id"))
    if code and start and practitioner_id:
        therapy = next((t for t in therapies if t.code == str(code)), None)
        if therapy is not None:
            return confirm_step(patient, therapy, start, practitioner_id, therapies)
    if request.values.get("start"):
        flash(_("That time is not valid. Choose a time from the list."), "error")
    return search_step(patient, choices, therapies)


def search_step(patient, choices, therapies):
    args = request.args.copy()
    if not args.get("day"):
        args["day"] = (clinic_today() + timedelta(days=1)).isoformat()
    form = SlotSearchForm(args)
    form.therapy.choices = [(t.code, therapy_name(t)) for t in therapies]
    qualified = catalogue.qualified_names(therapies)
    form.practitioner_id.choices = [("", _("Any practitioner"))] + [
        (str(pid), name) for pid, name in names_of_any(qualified).items()
    ]
    form.patient_id.choices = [(str(p.id), p.legal_name) for p in choices]
    form.patient_id.data = str(patient.id)
    found = None
    if request.args.get("therapy") and form.validate():
        therapy = next(t for t in therapies if t.code == form.therapy.data)  # one of the choices
        found = free_days(form, patient, therapy, qualified[therapy.code])
    return render_template(
        "treatments/patient/book.html",
        form=form,
        therapies=therapies,
        patient=patient,
        found=found,
    )


def free_days(form, patient, therapy, names: dict) -> dict | None:
    """The free times of the chosen day, or of the first later day that has some. `names`:
    practitioner id → name of those qualified for the therapy."""
    wanted = int_or_none(form.practitioner_id.data)
    if wanted is not None and wanted not in names:
        form.practitioner_id.errors = [
            _(
                "Not qualified for this therapy. Qualified: %(names)s",
                names=", ".join(names.values()) or "—",
            )
        ]
        return None
    today = clinic_today()
    horizon = today + timedelta(days=current_app.config["TREATMENT_BOOKING_DAYS"])
    day = form.day.data
    if not today <= day <= horizon:
        form.day.errors = [_("Choose a day from today to %(last)s.", last=horizon.isoformat())]
        return None
    last = min(day + timedelta(days=LOOK_AHEAD_DAYS), horizon)
    slots = availability.first_free_day(therapy, day, last, wanted, patient.id)
    shown = availability.to_local(slots[0].starts_at).date() if slots else None
    return {
        "therapy": therapy,
        "asked": day,
        "day": shown,
        "last": last,
        "names": names,
        "by_practitioner": slot_links(therapy, patient, slots),
    }


# Placeholders in the one link url_for builds for a day's slots (slot_links).
START, PRACTITIONER = "START", "PRACTITIONER"


def slot_links(therapy, patient, slots) -> dict:
    """Practitioner id → [(a slot's local time "HH:MM", the link to its confirm page)], in the
    slots' order. The links are url_for's, but url_for runs once, not for each of a day's
    hundreds of slots (it was most of the page's time); and each start's text is worked out
    once, not once per practitioner free at that time."""
    pattern = url_for(
        "treatments.booking_new",
        therapy=therapy.code,
        start=START,
        practitioner_id=PRACTITIONER,
        patient_id=patient.id,
    )
    head, rest = str(escape(pattern)).split(START)
    middle, tail = rest.split(PRACTITIONER)
    starts: dict = {}
    grouped: dict = {}
    for slot in slots:
        moment = slot.starts_at
        known = starts.get(moment)
        if known is None:
            # Of an ISO time's characters, url_for quotes only "+" in a query string.
            known = starts[moment] = local_time(moment), moment.isoformat().replace("+", "%2B")
        text, start = known
        link = Markup(f"{head}{start}{middle}{slot.practitioner_id}{tail}")
        grouped.setdefault(slot.practitioner_id, []).append((text, link))
    return grouped


def confirm_step(patient, therapy, start, practitioner_id, therapies):
    # Before a refusal's rollback, which would expire the therapies (a reload each).
    names = names_of_any(catalogue.qualified_names(therapies))
    codes = screening.questions_for(therapy.contraindications or {}, "booking")
    form = with_screening(BookingForm, codes)()
    form.therapy.data, form.start.data = therapy.code, start.isoformat()
    form.practitioner_id.data, form.patient_id.data = str(practitioner_id), str(patient.id)
    alternatives = []
    if form.validate_on_submit():
        answers = answers_of(form, codes)
        try:
            booking = bookings.book(
                current_user,
                patient,
                bookings.Request(therapy, start, practitioner_id, answers),
            )
            booking_id = booking.id  # before the commit expires it (a reload to read it)
            db.session.commit()
            flash(_("Booked. Please come 10 minutes early."), "success")
            return redirect(url_for("treatments.booking_view", booking_id=booking_id))
        except TCMError as exc:
            show_refusal(form, exc, therapy)
            alternatives = offered_slots(exc)
    return render_template(
        "treatments/patient/confirm.html",
        form=form,
        therapy=therapy,
        start=start,
        practitioner_name=names.get(practitioner_id, ""),
        patient=patient,
        pregnancy_recorded="pregnant" in codes
        and bookings.answers_with_record(patient, {}).get("pregnant"),
        alternatives=alternatives,
        names=names,
    ), (422 if request.method == "POST" else 200)


def next_booking_hint() -> str | None:
    """The elderly mode's home (我的下次治疗): when and what the next live booking is, in plain
    words, for the patient or anyone they act for."""
    upcoming = db.session.scalar(
        access.bookings_query(current_user)
        .where(Booking.starts_at >= utcnow(), Booking.status.in_(LIVE_STATUSES))
        .options(*BOOKING_ITEM)
        .order_by(Booking.starts_at)
        .limit(1)
    )
    if upcoming is None:
        return _("No treatment booked.")
    therapy = upcoming.therapy
    return _(
        "Next: %(when)s, %(therapy)s.",
        when=clock.to_clinic(upcoming.starts_at).strftime("%Y-%m-%d %H:%M"),
        therapy=therapy.name_en if str(get_locale()) == "en" else therapy.name,
    )
