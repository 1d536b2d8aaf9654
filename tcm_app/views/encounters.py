"""The encounter page and its actions: documents, eligibility, notes, diagnosis, termination."""

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tcm_app.common.errors import NotFoundError, TCMError
from tcm_app.extensions import db
from tcm_app.forms import (
    DiagnosisForm,
    DocumentForm,
    EligibilityForm,
    GuardianForm,
    NotesForm,
    TerminateForm,
    VersionedForm,
)
from tcm_app.models.accounts import Role
from tcm_app.services import access, documents, encounters, visit_fees
from tcm_app.services.patients import patient_age
from tcm_app.views.blueprint import core_bp
from tcm_app.views.guards import roles_required
from tcm_app.views.helpers import apply_errors, flash_error

VIEWERS = (Role.PATIENT, Role.DOCTOR, Role.CLINIC)


def encounter_forms(encounter, posted=None) -> dict:
    forms = {
        "document_form": DocumentForm(formdata=None),
        "eligibility_form": EligibilityForm(
            formdata=None,
            version=encounter.version,
            decision=encounter.eligibility,
            reason=encounter.eligibility_reason,
        ),
        "notes_form": NotesForm(formdata=None, obj=encounter, version=encounter.version),
        "diagnosis_form": DiagnosisForm(formdata=None),
        "terminate_form": TerminateForm(formdata=None, version=encounter.version),
        "guardian_form": GuardianForm(formdata=None, present=encounter.guardian_present),
        "action_form": VersionedForm(formdata=None, version=encounter.version),
    }
    forms.update(posted or {})
    return forms


def render_encounter(encounter, status=200, **posted):
    return render_template(
        "core/encounters/view.html",
        encounter=encounter,
        blockers=encounters.prescribing_status(encounter),
        age=patient_age(encounter.patient),
        guardian_needed=encounters.guardian_needed(encounter),
        fee=visit_fees.fee_of(encounter),
        **encounter_forms(encounter, posted),
    ), status


@core_bp.route("/encounters/<int:encounter_id>")
@roles_required(*VIEWERS)
def encounter_view(encounter_id: int):
    encounter = access.visible_encounter(current_user, encounter_id)
    if current_user.role != Role.PATIENT:
        access.visible_patient(current_user, encounter.patient_id)  # audits the record view
        db.session.commit()
    return render_encounter(encounter)[0]


def run_encounter_action(encounter_id, form_name, form, action, done_message):
    """Validate the form, run the service action, commit once; show refusals on the page."""
    encounter = access.visible_encounter(current_user, encounter_id)
    if not form.validate_on_submit():
        return render_encounter(encounter, 400, **{form_name: form})
    version = form.version.data if isinstance(form, VersionedForm) else None
    try:
        action(encounter, form, version)
    except TCMError as exc:
        db.session.rollback()
        encounter = access.visible_encounter(current_user, encounter_id)
        apply_errors(form, exc)
        return render_encounter(encounter, exc.status, **{form_name: form})
    db.session.commit()
    flash(done_message)
    return redirect(url_for("core.encounter_view", encounter_id=encounter_id))


@core_bp.route("/encounters/<int:encounter_id>/documents", methods=["POST"])
@roles_required(Role.PATIENT)
def document_upload(encounter_id: int):
    def action(encounter, form, _version):
        upload = form.file.data
        documents.add_document(
            encounter,
            current_user,
            form.doc_type.data,
            upload.filename,
            upload.read(),
            form.issued_on.data,
        )

    return run_encounter_action(
        encounter_id, "document_form", DocumentForm(), action, _("Document uploaded.")
    )


@core_bp.route("/encounters/<int:encounter_id>/documents/<int:document_id>")
@roles_required(Role.PATIENT, Role.DOCTOR)
def document_view(encounter_id: int, document_id: int):
    encounter = access.visible_encounter(current_user, encounter_id)
    document = next((d for d in encounter.documents if d.id == document_id), None)
    if document is None:
        raise NotFoundError("document not found")
    data = documents.read_document(document, current_user)
    db.session.commit()
    response = Response(data, mimetype=document.content_type)
    response.headers["Content-Disposition"] = f"inline; filename=document-{document.id}"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response


@core_bp.route("/encounters/<int:encounter_id>/start", methods=["POST"])
@roles_required(Role.DOCTOR)
def encounter_start(encounter_id: int):
    return run_encounter_action(
        encounter_id,
        "action_form",
        VersionedForm(),
        lambda e, f, v: encounters.start_encounter(e, current_user, v),
        _("Visit started."),
    )


@core_bp.route("/encounters/<int:encounter_id>/eligibility", methods=["POST"])
@roles_required(Role.DOCTOR)
def encounter_eligibility(encounter_id: int):
    return run_encounter_action(
        encounter_id,
        "eligibility_form",
        EligibilityForm(),
        lambda e, f, v: encounters.decide_eligibility(
            e, current_user, f.decision.data, f.reason.data, v
        ),
        _("Eligibility decision recorded."),
    )


@core_bp.route("/encounters/<int:encounter_id>/guardian", methods=["POST"])
@roles_required(Role.DOCTOR)
def encounter_guardian(encounter_id: int):
    return run_encounter_action(
        encounter_id,
        "guardian_form",
        GuardianForm(),
        lambda e, f, v: encounters.set_guardian_present(e, current_user, f.present.data),
        _("Guardian presence recorded."),
    )


@core_bp.route("/encounters/<int:encounter_id>/notes", methods=["POST"])
@roles_required(Role.DOCTOR)
def encounter_notes(encounter_id: int):
    return run_encounter_action(
        encounter_id,
        "notes_form",
        NotesForm(),
        lambda e, f, v: encounters.record_four_exam_notes(e, current_user, f.data, v),
        _("Four-examination notes saved."),
    )


@core_bp.route("/encounters/<int:encounter_id>/diagnoses", methods=["POST"])
@roles_required(Role.DOCTOR)
def encounter_diagnosis_add(encounter_id: int):
    def action(encounter, form, _version):
        encounters.record_diagnosis(
            encounter,
            current_user,
            form.disease_name.data,
            form.syndrome_name.data,
            form.disease_code.data,
            form.syndrome_code.data,
            form.treatment_method.data,
            form.is_primary.data,
        )

    return run_encounter_action(
        encounter_id, "diagnosis_form", DiagnosisForm(), action, _("Diagnosis recorded.")
    )


@core_bp.route(
    "/encounters/<int:encounter_id>/diagnoses/<int:diagnosis_id>/retire", methods=["POST"]
)
@roles_required(Role.DOCTOR)
def encounter_diagnosis_retire(encounter_id: int, diagnosis_id: int):
    return run_encounter_action(
        encounter_id,
        "action_form",
        VersionedForm(),
        lambda e, f, v: encounters.retire_diagnosis(e, current_user, diagnosis_id, v),
        _("Diagnosis withdrawn."),
    )


@core_bp.route("/encounters/<int:encounter_id>/terminate", methods=["POST"])
@roles_required(Role.DOCTOR)
def encounter_terminate(encounter_id: int):
    return run_encounter_action(
        encounter_id,
        "terminate_form",
        TerminateForm(),
        lambda e, f, v: encounters.terminate_encounter(
            e, current_user, f.reason.data, f.note.data, v
        ),
        _("Online care terminated. The patient is offered an in-person visit."),
    )


@core_bp.route("/encounters/<int:encounter_id>/complete", methods=["POST"])
@roles_required(Role.DOCTOR)
def encounter_complete(encounter_id: int):
    return run_encounter_action(
        encounter_id,
        "action_form",
        VersionedForm(),
        lambda e, f, v: encounters.complete_encounter(e, current_user, v),
        _("Visit completed."),
    )


@core_bp.route("/encounters/<int:encounter_id>/cancel", methods=["POST"])
@roles_required(Role.PATIENT)
def encounter_cancel(encounter_id: int):
    return run_encounter_action(
        encounter_id,
        "action_form",
        VersionedForm(),
        lambda e, f, v: encounters.cancel_encounter(e, current_user, v),
        _("Visit cancelled."),
    )


@core_bp.route("/encounters/<int:encounter_id>/book-in-person", methods=["POST"])
@roles_required(Role.PATIENT)
def encounter_book_in_person(encounter_id: int):
    encounter = access.visible_encounter(current_user, encounter_id)
    try:
        follow_up = encounters.request_in_person_after_termination(encounter, current_user)
    except TCMError as exc:
        db.session.rollback()
        flash_error(exc)
        return render_encounter(access.visible_encounter(current_user, encounter_id), exc.status)
    db.session.commit()
    flash(_("In-person visit requested. The clinic will confirm the time."))
    return redirect(url_for("core.encounter_view", encounter_id=follow_up.id))
