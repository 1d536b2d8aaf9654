"""Treatment admin pages: the therapy catalogue (admin only: prices, contraindications), beds and
rooms, practitioners with their qualifications, weekly hours and days off, and the clinic's
opening hours and holidays (admin and the clinic desk)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tcm_app.common.errors import TCMError
from tcm_app.common.masking import mask_name
from tcm_app.extensions import db
from tcm_app.labels import choices, label
from tcm_app.models.accounts import Role, User
from tcm_app.services import clock
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required
from tcm_app.views.helpers import apply_errors
from treatments.forms.admin import (
    WEEKDAYS,
    DayHoursForm,
    DaysOffForm,
    PractitionerForm,
    QualificationsForm,
    ResourceForm,
    TherapyForm,
    WeekForm,
    qualification_name,
)
from treatments.models import Practitioner, ScheduleException, Therapy, TreatmentResource
from treatments.services import clinic_setup
from treatments.services.availability import to_local
from treatments.views.blueprint import bp

MANAGERS = (Role.ADMIN, Role.CLINIC)
PRACTITIONER_REASONS = ("leave", "training", "other")
MAX_LISTED = 20


def _get(model, key):
    found = db.session.get(model, key)
    if found is None:
        abort(404)
    return found


def _today():
    return clock.clinic_today()


def _failed(form, exc: TCMError) -> None:
    db.session.rollback()
    apply_errors(form, exc)


def _qualification_choices(form) -> None:
    codes = clinic_setup.qualification_codes()
    form.qualifications.choices = choices((q, qualification_name(q)) for q in codes)


@bp.app_context_processor
def admin_helpers() -> dict:
    return {"qualification_name": qualification_name}


def _practitioner_form() -> PractitionerForm:
    form = PractitionerForm()
    form.user_id.choices = choices(
        (u.id, f"{u.full_name} ({u.username}, {label(u.role)})")
        for u in clinic_setup.candidate_staff()
    )
    _qualification_choices(form)
    return form


@bp.route("/admin/")
@roles_required(*MANAGERS)
def admin_home():
    """Overview: therapies, practitioners, beds and rooms, clinic hours, upcoming days off."""
    return _home(_practitioner_form())


def _home(form, status=200):
    return render_template(
        "treatments/admin/home.html",
        therapies=clinic_setup.all_therapies(),
        practitioners=clinic_setup.all_practitioners(),
        resources=clinic_setup.all_resources(),
        clinic_week=clinic_setup.weekly_hours(None),
        exceptions=clinic_setup.upcoming_all(_today()),
        names=_names(),
        form=form,
        weekdays=WEEKDAYS,
    ), status


def _names() -> dict:
    return {p.user_id: p.user.full_name for p in clinic_setup.all_practitioners()}


@bp.route("/admin/therapies/<int:therapy_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def therapy_edit(therapy_id: int):
    """Edit a therapy; the same rules as the data file (treatments/catalogue.py) apply."""
    therapy = _get(Therapy, therapy_id)
    form = TherapyForm(obj=therapy)
    codes = sorted({*clinic_setup.qualification_codes(), therapy.qualification})
    form.qualification.choices = choices((q, qualification_name(q)) for q in codes)
    if request.method == "GET":
        for question, severity in (therapy.contraindications or {}).items():
            form[f"ci_{question}"].data = severity
    return _admin_form_action(
        form,
        lambda: clinic_setup.update_therapy(therapy, form.values(), current_user),
        lambda status: (
            render_template("treatments/admin/therapy.html", therapy=therapy, form=form),
            status,
        ),
        done=_("Therapy saved."),
        then=url_for("treatments.admin_home"),
    )


def _admin_form_action(form, action, render, **outcome):
    """The admin pages answer 422 for any form they show again (invalid or refused)."""
    return form_action(
        form, action, render, invalid_status=422, refused_status=422, category="success", **outcome
    )


@bp.route("/admin/practitioners", methods=["POST"])
@roles_required(Role.ADMIN)
def practitioner_save():
    """Make a doctor or clinic account a practitioner (or change the qualifications)."""
    form = _practitioner_form()
    return _admin_form_action(
        form,
        lambda: clinic_setup.save_practitioner(
            _get(User, form.user_id.data), form.qualifications.data or [], current_user
        ),
        lambda status: _home(form, status),
        done=_("Practitioner saved."),
        then=lambda saved: url_for("treatments.practitioner_view", user_id=saved.user_id),
    )


@bp.route("/admin/practitioners/<int:user_id>")
@roles_required(*MANAGERS)
def practitioner_view(user_id: int):
    """A practitioner's qualifications, weekly hours, days off and other hours."""
    return _practitioner_page(_get(Practitioner, user_id))


def _practitioner_page(found: Practitioner, status=200, **given):
    week = given.get("week") or WeekForm(formdata=None)
    if "week" not in given:
        week.fill(clinic_setup.weekly_hours(found.user_id))
    quals = given.get("quals") or QualificationsForm(
        formdata=None, qualifications=found.qualifications
    )
    _qualification_choices(quals)
    leave = given.get("leave") or DaysOffForm(formdata=None)
    day = given.get("day") or DayHoursForm(formdata=None)
    for form in (leave, day):
        form.reason.choices = choices((r, label(r)) for r in PRACTITIONER_REASONS)
    return render_template(
        "treatments/admin/practitioner.html",
        practitioner=found,
        week=week,
        quals=quals,
        leave=leave,
        day=day,
        exceptions=clinic_setup.upcoming_exceptions(found.user_id, _today()),
    ), status


@bp.route("/admin/practitioners/<int:user_id>/qualifications", methods=["POST"])
@roles_required(Role.ADMIN)
def practitioner_qualifications(user_id: int):
    found = _get(Practitioner, user_id)
    form = QualificationsForm()
    _qualification_choices(form)
    return _admin_form_action(
        form,
        lambda: clinic_setup.save_practitioner(
            found.user, form.qualifications.data or [], current_user
        ),
        lambda status: _practitioner_page(found, status, quals=form),
        done=_("Qualifications saved."),
        then=url_for("treatments.practitioner_view", user_id=user_id),
    )


@bp.route("/admin/practitioners/<int:user_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def practitioner_toggle(user_id: int):
    """Take a practitioner off the booking pages (existing bookings stay) or back on."""
    found = _get(Practitioner, user_id)
    clinic_setup.set_practitioner_active(found, not found.active, current_user)
    db.session.commit()
    flash(_("Practitioner updated."), "success")
    return redirect(url_for("treatments.practitioner_view", user_id=user_id))


@bp.route("/admin/practitioners/<int:user_id>/hours", methods=["POST"])
@roles_required(*MANAGERS)
def practitioner_hours(user_id: int):
    found = _get(Practitioner, user_id)
    form = WeekForm()
    if form.validate_on_submit():
        clinic_setup.save_week(user_id, form.week, current_user)
        db.session.commit()
        flash(_("Weekly hours saved."), "success")
        return redirect(url_for("treatments.practitioner_view", user_id=user_id))
    return _practitioner_page(found, 422, week=form)


@bp.route("/admin/practitioners/<int:user_id>/leave", methods=["POST"])
@roles_required(*MANAGERS)
def practitioner_leave(user_id: int):
    """Days off: one closed day each from first to last; bookings on them are listed."""
    found = _get(Practitioner, user_id)
    form = DaysOffForm()
    form.reason.choices = choices((r, label(r)) for r in PRACTITIONER_REASONS)
    if form.validate_on_submit() and _days_off(user_id, form):
        return redirect(url_for("treatments.practitioner_view", user_id=user_id))
    return _practitioner_page(found, 422, leave=form)


def _days_off(practitioner_id, form: DaysOffForm) -> bool:
    first, last = form.first.data, form.last.data or form.first.data
    try:
        clinic_setup.add_days_off(
            practitioner_id, first, last, form.reason.data, form.note.data or "", current_user
        )
    except TCMError as exc:
        _failed(form, exc)
        return False
    touched = clinic_setup.bookings_touched(practitioner_id, first, last)
    db.session.commit()
    flash(_("Days off saved."), "success")
    _warn(touched)
    return True


def _warn(bookings) -> None:
    """List the live bookings a change leaves without hours; the desk moves them by hand."""
    if not bookings:
        return
    flash(
        _(
            "%(count)s booking(s) fall outside the new hours. They were not cancelled: "
            "move them or call the patients.",
            count=len(bookings),
        ),
        "warning",
    )
    for booking in bookings[:MAX_LISTED]:
        when = to_local(booking.starts_at).strftime("%Y-%m-%d %H:%M")
        flash(
            f"{when} · {booking.therapy.name} · {mask_name(booking.patient.legal_name)}"
            f" · {booking.practitioner.user.full_name} (#{booking.id})",
            "warning",
        )


@bp.route("/admin/practitioners/<int:user_id>/day", methods=["POST"])
@roles_required(*MANAGERS)
def practitioner_day(user_id: int):
    """Other hours on one day, in place of the weekly template."""
    found = _get(Practitioner, user_id)
    form = DayHoursForm()
    form.reason.choices = choices((r, label(r)) for r in PRACTITIONER_REASONS)
    if form.validate_on_submit():
        day, spans = form.day.data, form.spans
        try:
            clinic_setup.add_days_off(
                user_id, day, day, form.reason.data, form.note.data or "", current_user, spans
            )
            touched = clinic_setup.bookings_touched(user_id, day, day, spans)
            db.session.commit()
            flash(_("Hours for the day saved."), "success")
            _warn(touched)
            return redirect(url_for("treatments.practitioner_view", user_id=user_id))
        except TCMError as exc:
            _failed(form, exc)
    return _practitioner_page(found, 422, day=form)


@bp.route("/admin/exceptions/<int:exception_id>/remove", methods=["POST"])
@roles_required(*MANAGERS)
def exception_remove(exception_id: int):
    """Remove a day off or other hours: the weekly template applies that day again."""
    row = _get(ScheduleException, exception_id)
    back = (
        url_for("treatments.practitioner_view", user_id=row.practitioner_id)
        if row.practitioner_id
        else url_for("treatments.clinic_view")
    )
    clinic_setup.remove_exception(exception_id, current_user)
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(back)


@bp.route("/admin/clinic")
@roles_required(*MANAGERS)
def clinic_view():
    """The clinic's opening hours per weekday and its holidays."""
    return _clinic_page()


def _clinic_page(status=200, week=None, holiday=None):
    if week is None:
        week = WeekForm(formdata=None)
        week.fill(clinic_setup.weekly_hours(None))
    holiday = holiday or DaysOffForm(formdata=None)
    holiday.reason.choices = choices([("holiday", label("holiday"))])
    return render_template(
        "treatments/admin/clinic.html",
        week=week,
        holiday=holiday,
        exceptions=clinic_setup.upcoming_exceptions(None, _today()),
    ), status


@bp.route("/admin/clinic/hours", methods=["POST"])
@roles_required(*MANAGERS)
def clinic_hours():
    form = WeekForm()
    if form.validate_on_submit():
        clinic_setup.save_week(None, form.week, current_user)
        db.session.commit()
        flash(_("Opening hours saved."), "success")
        return redirect(url_for("treatments.clinic_view"))
    return _clinic_page(422, week=form)


@bp.route("/admin/clinic/holidays", methods=["POST"])
@roles_required(*MANAGERS)
def clinic_holiday():
    """Clinic holidays: closed days for everyone; every live booking on them is listed."""
    form = DaysOffForm()
    form.reason.choices = choices([("holiday", label("holiday"))])
    if form.validate_on_submit() and _days_off(None, form):
        return redirect(url_for("treatments.clinic_view"))
    return _clinic_page(422, holiday=form)


@bp.route("/admin/resources", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def resource_new():
    """Add a treatment bed or room."""
    form = ResourceForm()
    return _admin_form_action(
        form,
        lambda: clinic_setup.set_resource(None, _resource_values(form), current_user),
        lambda status: (
            render_template("treatments/admin/resource.html", form=form, resource=None),
            status,
        ),
        done=_("Bed or room added."),
        then=url_for("treatments.admin_home"),
    )


def _resource_values(form: ResourceForm) -> dict:
    return {
        "code": form.code.data,
        "name": form.name.data,
        "kind": form.kind.data,
        "capacity": form.capacity.data,
        "equipment": form.equipment.data or [],
    }


@bp.route("/admin/resources/<int:resource_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def resource_edit(resource_id: int):
    """Edit a bed or room; its capacity cannot drop below the seats future bookings hold."""
    resource = _get(TreatmentResource, resource_id)
    form = ResourceForm(obj=resource)
    form.code.data = resource.code  # the code is the bed's stable name; it is not edited
    return _admin_form_action(
        form,
        lambda: clinic_setup.set_resource(resource, _resource_values(form), current_user),
        lambda status: (
            render_template(
                "treatments/admin/resource.html",
                form=form,
                resource=resource,
                in_use=clinic_setup.seats_in_use(resource.id),
            ),
            status,
        ),
        done=_("Bed or room saved."),
        then=url_for("treatments.admin_home"),
    )


@bp.route("/admin/resources/<int:resource_id>/active", methods=["POST"])
@roles_required(*MANAGERS)
def resource_toggle(resource_id: int):
    """Take a bed or room out of booking (or back); bookings already on it stay."""
    resource = _get(TreatmentResource, resource_id)
    held = clinic_setup.set_resource_active(resource, not resource.active, current_user)
    db.session.commit()
    flash(_("Bed or room updated."), "success")
    if not resource.active and held:
        flash(_("Future bookings still use it: move them on the calendar."), "warning")
    return redirect(url_for("treatments.admin_home"))
