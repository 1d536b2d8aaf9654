"""Course (疗程) pages: the doctor recommends a course on an encounter; the patient previews every
session date of it and books the whole course in one step, or nothing."""

from datetime import datetime, time, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.labels import error_message
from tcm_app.models.accounts import Role
from tcm_app.services.access import visible_encounter
from tcm_app.views.guards import roles_required
from tcm_app.views.helpers import apply_errors
from treatments import screening
from treatments.forms.patient import (
    CourseConfirmForm,
    CoursePlanForm,
    answers_of,
    with_screening,
)
from treatments.services import access, availability, courses, recommendations
from treatments.views.blueprint import bp
from treatments.views.patient import (
    clinic_today,
    practitioner_names,
    recommend_form,
    show_refusal,
)

DEFAULT_TIME = time(9, 0)


@bp.route("/encounters/<int:encounter_id>/courses", methods=["GET", "POST"])
@roles_required(Role.DOCTOR)
def course_recommend(encounter_id: int):
    """The encounter's doctor recommends a course; the patient books it from their pages."""
    encounter = visible_encounter(current_user, encounter_id)
    if encounter.doctor_id != current_user.id:
        abort(403)
    form = recommend_form(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            recommendations.recommend(
                encounter,
                current_user,
                form.therapy.data,
                form.sessions.data,
                form.every_days.data,
                form.course_length.data,
                form.rest_days.data,
                form.note.data or "",
            )
            db.session.commit()
            flash(_("Course recommended. The patient can book it now."), "success")
            return redirect(url_for("core.encounter_view", encounter_id=encounter.id))
        except TCMError as exc:
            db.session.rollback()
            apply_errors(form, exc)
    return render_template(
        "treatments/patient/course_recommend.html", encounter=encounter, form=form
    ), (422 if request.method == "POST" else 200)


def plan_form(therapy):
    form = CoursePlanForm(request.values)
    names = practitioner_names(therapy)
    form.practitioner_id.choices = [(str(pid), name) for pid, name in names.items()]
    if not request.values.get("first_day"):
        form.first_day.data = clinic_today() + timedelta(days=1)
        form.at.data = DEFAULT_TIME
        form.practitioner_id.data = next(iter(form.practitioner_id.choices), ("", ""))[0]
    return form


def preview(form, rec, patient):
    """The plan and its series check, or (None, None) with the refusal on the form."""
    if not request.values.get("first_day") or not form.validate():
        return None, None
    if form.first_day.data <= clinic_today() - timedelta(days=1):
        form.first_day.errors = [_("Choose today or a later day.")]
        return None, None
    horizon = current_app.config["TREATMENT_BOOKING_DAYS"]
    if form.first_day.data > clinic_today() + timedelta(days=horizon):
        form.first_day.errors = [_("Bookings open only %(days)d days ahead.", days=horizon)]
        return None, None
    plan = courses.CoursePlan(
        rec.therapy,
        form.first_day.data,
        form.at.data.replace(second=0, microsecond=0),
        int(form.practitioner_id.data),
        rec.sessions,
        rec.every_days,
        rec.course_length,
        rec.rest_days,
    )
    try:
        return plan, courses.check_course(plan, patient.id)
    except TCMError as exc:
        form.form_errors.append(error_message(exc.code, exc.message))
        return None, None


def local_alternatives(conflict) -> list:
    """[(conflicting day, [local start, …])] from series_json / the ConflictError's fields."""
    found = []
    for day in (conflict or {}).get("conflicts", []):
        starts = [
            availability.to_local(datetime.fromisoformat(slot["start"]))
            for slot in conflict.get("alternatives", {}).get(day, [])
        ]
        found.append((day, starts))
    return found


@bp.route("/courses/<int:recommendation_id>/book", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def course_book(recommendation_id: int):
    """Preview every session date; book the whole course with the screening answers, or none."""
    rec = recommendations.visible_recommendation(current_user, recommendation_id)
    if rec is None:
        abort(404)
    patient = access.patient_to_book_for(current_user, rec.encounter.patient_id)
    form = plan_form(rec.therapy)
    plan, check = preview(form, rec, patient)
    codes = screening.questions_for(rec.therapy.contraindications or {}, "booking")
    confirm = with_screening(CourseConfirmForm, codes)()
    if plan:
        confirm.practitioner_id.data = str(plan.practitioner_id)
        confirm.first_day.data, confirm.at.data = plan.first_day.isoformat(), f"{plan.at:%H:%M}"
    conflict = courses.series_json(check) if check and not check.bookable else None
    if plan and check and check.bookable and confirm.validate_on_submit():
        try:
            course = courses.book_course(
                current_user, patient, plan, answers_of(confirm, codes), recommendation=rec
            )
            db.session.commit()
            flash(_("All %(n)s sessions are booked.", n=len(course.bookings)), "success")
            return redirect(url_for("treatments.my_bookings"))
        except TCMError as exc:
            show_refusal(confirm, exc, rec.therapy)
            if exc.code == "course_conflicts":
                conflict = exc.fields
    return render_template(
        "treatments/patient/course_book.html",
        rec=rec,
        patient=patient,
        form=form,
        confirm=confirm,
        plan=plan,
        dates=courses.course_dates(plan) if plan else [],
        check=check,
        conflict=conflict,
        alternatives=local_alternatives(conflict),
    ), (422 if request.method == "POST" else 200)
