"""The patient's pages (phone first): what awaits a rating and what was rated, rating one thing,
filing a complaint and following it to its answer."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quality.forms import ComplaintForm, RatingForm
from quality.services import complaints, ratings, subjects
from quality.views.blueprint import bp
from tcm_app.extensions import db
from tcm_app.labels import choices, label
from tcm_app.models.accounts import Role
from tcm_app.models.patients import Patient
from tcm_app.services.access import own_patient_ids
from tcm_app.services.clock import to_clinic
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required
from tcm_app.views.voice import posted_voice, voice_response


def subject_title(subject: subjects.Subject) -> str:
    """What the patient reads for a received thing: its kind, clinician and date."""
    what = subject.title or label(subject.title_code)
    day = to_clinic(subject.when).date().isoformat() if subject.when else ""
    return _("%(what)s · Dr %(name)s · %(day)s", what=what, name=subject.doctor_name, day=day)


@bp.get("/mine")
@roles_required(Role.PATIENT)
def my_ratings():
    waiting, rated = ratings.awaiting(current_user)
    return render_template(
        "quality/mine.html",
        waiting=waiting,
        rated=rated,
        complaints=complaints.patient_complaints(current_user),
        subject_title=subject_title,
    )


@bp.route("/rate/<kind>/<int:subject_id>", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def rate(kind: str, subject_id: int):
    subject = subjects.subject(own_patient_ids(current_user), kind, subject_id)
    given = ratings.rating_for(kind, subject_id)
    form = RatingForm()

    def render(status: int):
        return render_template(
            "quality/rate.html", form=form, subject=subject, given=given,
            title=subject_title(subject),
        ), status  # fmt: skip

    return form_action(
        form,
        lambda: ratings.rate(current_user, kind, subject_id, form.score.data, form.comment.data),
        render,
        done=_("Thank you for your rating."),
        then=url_for(".my_ratings"),
        invalid_status=422,
        refused_status=422,
    )


@bp.route("/complaints/new", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def complaint_new():
    family = [db.session.get(Patient, pid) for pid in own_patient_ids(current_user)]
    received = complaints.about_choices(current_user)
    form = ComplaintForm()
    form.patient_id.choices = choices((p.id, p.legal_name) for p in family)
    if not form.is_submitted():
        form.about.data = request.args.get("about", "")
    form.about.choices = choices(
        [("", _("Nothing in particular")),
         *((f"{s.kind}:{s.id}", subject_title(s)) for s in received)]
    )  # fmt: skip

    def render(status: int):
        return render_template("quality/complaint_new.html", form=form, family=family), status

    return form_action(
        form,
        lambda: complaints.file(
            current_user,
            form.patient_id.data,
            form.about.data or "",
            form.text.data or "",
            posted_voice(),
        ),
        render,
        done=_("Your complaint is filed; the quality office answers it by the date shown."),
        then=lambda c: url_for(".my_complaint", complaint_id=c.id),
        invalid_status=422,
        refused_status=422,
    )


@bp.get("/complaints/<int:complaint_id>")
@roles_required(Role.PATIENT)
def my_complaint(complaint_id: int):
    found = complaints.own_complaint(current_user, complaint_id)
    return render_template("quality/complaint.html", complaint=found)


@bp.get("/complaints/<int:complaint_id>/voice")
@roles_required(Role.PATIENT, Role.QUALITY)
def complaint_voice(complaint_id: int):
    """The complaint said in a voice note: the patient's side plays their own, the quality
    office any; another patient's (or none): 404."""
    if current_user.role == Role.QUALITY:
        found = complaints.complaint(complaint_id)
    else:
        found = complaints.own_complaint(current_user, complaint_id)
    return voice_response(found.audio_key, found.audio_mime, f"complaint-{found.id}")
