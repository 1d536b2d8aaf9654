"""Adverse reactions: the report (by the patient from their prescriptions, by the doctor from a
plan), the list for pharmacists, the quality office and the prescribing doctor, the pharmacist's
assessment and the quality office's record of the report to the monitoring system."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from followup.forms import ReactionForm, ReviewForm, SubmissionForm
from followup.reaction_rules import CAUSALITY, DEATH, SEVERITIES
from followup.services import reactions
from followup.views.blueprint import bp
from tcm_app.labels import choices, label
from tcm_app.models.accounts import Role
from tcm_app.services.clock import clinic_today
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required
from tcm_app.views.voice import posted_voice, voice_response

READERS = (Role.PHARMACIST, Role.QUALITY, Role.DOCTOR, Role.PATIENT)


@bp.get("/reactions")
@roles_required(*READERS)
def reactions_page():
    return render_template(
        "followup/reactions.html", reactions=reactions.reaction_list(current_user),
        today=clinic_today(),
    )  # fmt: skip


def chosen_prescription(prescriptions):
    """The prescription the report is about: the form's, else the link's (?prescription_id=)."""
    wanted = request.form.get("prescription_id") or request.args.get("prescription_id", "")
    return next((p for p in prescriptions if str(p.id) == wanted), None)


def reaction_form(prescription) -> ReactionForm:
    form = ReactionForm()
    form.prescription_id.data = str(prescription.id)
    # A patient reports what they feel; a death is reported by staff (or a guardian's call).
    offered = [code for code in SEVERITIES if code != DEATH or current_user.role != Role.PATIENT]
    form.severity.choices = choices((code, label(code)) for code in offered)
    form.suspected.choices = choices(
        (line.written_name, line.written_name) for line in prescription.lines
    )
    return form


@bp.route("/reactions/new", methods=["GET", "POST"])
@roles_required(Role.PATIENT, Role.DOCTOR, Role.PHARMACIST)
def report_reaction():
    prescriptions = reactions.reportable_prescriptions(current_user)
    prescription = chosen_prescription(prescriptions)
    if prescription is None:  # first choose which one (its herbs are then offered)
        return render_template("followup/choose_prescription.html", prescriptions=prescriptions)
    form = reaction_form(prescription)

    def report():
        return reactions.report(
            current_user, prescription, onset_on=form.onset_on.data,
            severity=form.severity.data or "", description=form.description.data or "",
            suspected=form.suspected.data or [], voice=posted_voice(),
        )  # fmt: skip

    return form_action(
        form, report,
        lambda status: (render_template("followup/report_reaction.html", form=form,
                                        prescription=prescription), status),
        done=_("The reaction is reported; the pharmacist and the doctor have been told."),
        then=lambda reaction: url_for("followup.reaction", reaction_id=reaction.id),
        invalid_status=422,
    )  # fmt: skip


def review_form() -> ReviewForm:
    form = ReviewForm()
    form.causality.choices = choices([("", _("Choose…")), *((c, label(c)) for c in CAUSALITY)])
    return form


def render_reaction(reaction, review=None, submission=None, status=200):
    return render_template(
        "followup/reaction.html", reaction=reaction,
        review_form=review or review_form(), submission_form=submission or SubmissionForm(),
    ), status  # fmt: skip


@bp.get("/reactions/<int:reaction_id>")
@roles_required(*READERS)
def reaction(reaction_id: int):
    return render_reaction(reactions.visible_reaction(current_user, reaction_id))


@bp.get("/reactions/<int:reaction_id>/voice")
@roles_required(*READERS)
def reaction_voice(reaction_id: int):
    """The reporter's voice note, played on the report's page by whoever may read the report
    (the pharmacists, the quality office, the prescribing doctor, the patient's side)."""
    reaction = reactions.visible_reaction(current_user, reaction_id)
    return voice_response(reaction.audio_key, reaction.audio_mime, f"reaction-{reaction.id}")


@bp.post("/reactions/<int:reaction_id>/review")
@roles_required(Role.PHARMACIST)
def review_reaction(reaction_id: int):
    reaction = reactions.visible_reaction(current_user, reaction_id)
    form = review_form()
    return form_action(
        form,
        lambda: reactions.review(reaction, current_user, form.causality.data or "",
                                 form.note.data or ""),
        lambda status: render_reaction(reaction, review=form, status=status),
        done=_("The assessment is recorded."),
        then=url_for("followup.reaction", reaction_id=reaction.id), invalid_status=422,
    )  # fmt: skip


@bp.post("/reactions/<int:reaction_id>/submit")
@roles_required(Role.QUALITY)
def submit_reaction(reaction_id: int):
    reaction = reactions.visible_reaction(current_user, reaction_id)
    form = SubmissionForm()
    return form_action(
        form,
        lambda: reactions.record_submission(reaction, current_user, form.reference.data or ""),
        lambda status: render_reaction(reaction, submission=form, status=status),
        done=_("The report to the monitoring system is recorded."),
        then=url_for("followup.reaction", reaction_id=reaction.id), invalid_status=422,
    )  # fmt: skip
