"""The encounter page and its actions: documents, eligibility, notes, diagnosis, termination."""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from tcm_app.common.errors import NotFoundError, TCMError
from tcm_app.extensions import db
from tcm_app.forms import (
    DiagnosisForm,
    DocumentForm,
    EligibilityForm,
    GuardianForm,
    NotesForm,
    RenalFunctionForm,
    TerminateForm,
    VersionedForm,
)
from tcm_app.models.accounts import Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.panels import visit_row_loads
from tcm_app.services import access, codes, documents, encounters, visit_fees
from tcm_app.services.patients import patient_age
from tcm_app.views.blueprint import core_bp
from tcm_app.views.errors import form_page_refusal
from tcm_app.views.guards import roles_required
from tcm_app.views.helpers import apply_errors, flash_error
from tcm_app.views.responses import file_response
from tcm_app.views.voice import voice_response

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
        "renal_form": RenalFunctionForm(
            formdata=None, renal_function=encounter.patient.renal_function
        ),
        "action_form": VersionedForm(formdata=None, version=encounter.version),
    }
    forms.update(posted or {})
    return forms


def page_loads() -> list:
    """What the page shows of the visit besides its own row, read with it: the patient, the
    department, the doctor with the profile (online care), what the domains add to visit rows."""
    return [
        joinedload(Encounter.patient),
        joinedload(Encounter.department),
        joinedload(Encounter.doctor).joinedload(User.doctor_profile),
        *visit_row_loads(),
    ]


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


@core_bp.route("/encounters/<int:encounter_id>/complaint-voice")
@roles_required(Role.PATIENT, Role.DOCTOR)
def encounter_complaint_voice(encounter_id: int):
    """The chief complaint also said in a voice note, played on the visit page to the treating
    doctor and the patient's side; another's visit, or one without a recording: 404."""
    encounter = access.visible_encounter(current_user, encounter_id)
    return voice_response(
        encounter.complaint_audio_key, encounter.complaint_audio_mime, f"visit-{encounter.id}"
    )


@core_bp.route("/encounters/<int:encounter_id>")
@roles_required(*VIEWERS)
def encounter_view(encounter_id: int):
    encounter = access.visible_encounter(current_user, encounter_id, *page_loads())
    page = render_encounter(encounter)[0]
    if current_user.role != Role.PATIENT:
        # Audited once the page is made: committing first would expire everything the page then
        # reads again (the visit, the signed-in user, the patient).
        access.visible_patient(current_user, encounter.patient_id)  # audits the record view
        db.session.commit()
    return page


def run_encounter_action(encounter_id, form_name, form, action, done_message):
    """Validate the form, run the service action, commit once; show refusals on the page."""
    encounter = access.visible_encounter(current_user, encounter_id)
    if not form.validate_on_submit():
        return refuse_invalid_form(encounter, form_name, form)
    version = form.version.data if isinstance(form, VersionedForm) else None
    try:
        action(encounter, form, version)
        db.session.flush()
    except (TCMError, StaleDataError) as exc:
        db.session.rollback()
        return refuse_action(encounter_id, form_name, form, exc)
    try:
        db.session.commit()
    except StaleDataError as exc:  # another request committed its change first
        db.session.rollback()
        return refuse_action(encounter_id, form_name, form, exc)
    flash(done_message)
    return redirect(url_for("core.encounter_view", encounter_id=encounter_id))


def refuse_invalid_form(encounter, form_name, form):
    """Errors on fields the person cannot see (the hidden version, the CSRF token) are said at
    the top of the form; nothing is refused without a visible reason."""
    if hidden_field_errors(form):
        form.form_errors.append(
            _("The form arrived incomplete. The page now shows the visit as it is; submit again.")
        )
    take_current_version(form, encounter)
    return render_encounter(encounter, 400, **{form_name: form})


def take_current_version(form, encounter) -> None:
    """The form shown again carries the version of the visit as it is now (what was posted
    would otherwise be rendered back, and the next submit refused again)."""
    if isinstance(form, VersionedForm):
        form.version.data = encounter.version
        form.version.raw_data = [str(encounter.version)]


def hidden_field_errors(form) -> bool:
    """Errors on fields the page does not show (the version, the CSRF token)."""
    return any(f.errors for f in form if getattr(f.widget, "input_type", "") == "hidden")


def changed_meanwhile_message() -> str:
    return _(
        "Someone else changed this visit meanwhile. The page now shows it as it is; "
        "check it and submit again."
    )


def refuse_action(encounter_id, form_name, form, exc):
    """Show the refusal on the form, over the visit as it is now. A stale version (someone else
    changed the visit, or a double submit) keeps what was typed and takes the current version, so
    a second submit after checking the page goes through."""
    encounter = access.visible_encounter(current_user, encounter_id)
    if isinstance(exc, StaleDataError) or exc.code == "stale":
        form.form_errors.append(changed_meanwhile_message())
        status = 409
    else:
        apply_errors(form, exc)
        status = exc.status
    take_current_version(form, encounter)
    return render_encounter(encounter, status, **{form_name: form})


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
    response = file_response(data, document.content_type, f"document-{document.id}", inline=True)
    # Sandboxed, no script; the browser's own image view styles itself inline (without
    # style-src it logs a refusal and shows the image unstyled).
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
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


@core_bp.route("/encounters/<int:encounter_id>/renal-function", methods=["POST"])
@roles_required(Role.DOCTOR)
def encounter_renal_function(encounter_id: int):
    return run_encounter_action(
        encounter_id,
        "renal_form",
        RenalFunctionForm(),
        lambda e, f, v: encounters.record_renal_function(e, current_user, f.renal_function.data),
        _("Kidney function recorded."),
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
            western_name=form.western_name.data or "",
            western_code=form.western_code.data or "",
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


# The form each action posts, to show it again when it is refused before the view runs.
ACTION_FORMS = {
    "core.document_upload": ("document_form", DocumentForm),
    "core.encounter_start": ("action_form", VersionedForm),
    "core.encounter_eligibility": ("eligibility_form", EligibilityForm),
    "core.encounter_guardian": ("guardian_form", GuardianForm),
    "core.encounter_renal_function": ("renal_form", RenalFunctionForm),
    "core.encounter_notes": ("notes_form", NotesForm),
    "core.encounter_diagnosis_add": ("diagnosis_form", DiagnosisForm),
    "core.encounter_diagnosis_retire": ("action_form", VersionedForm),
    "core.encounter_terminate": ("terminate_form", TerminateForm),
    "core.encounter_complete": ("action_form", VersionedForm),
    "core.encounter_cancel": ("action_form", VersionedForm),
    "core.encounter_book_in_person": ("action_form", VersionedForm),
}


@form_page_refusal(*ACTION_FORMS)
def refused_before_view(message: str):
    """An expired CSRF token: the visit page as it is now, the typed text kept, the reason on
    top of the form."""
    encounter = access.visible_encounter(current_user, request.view_args["encounter_id"])
    form_name, form_class = ACTION_FORMS[request.endpoint]
    form = form_class(formdata=request.form)
    form.form_errors.append(message)
    take_current_version(form, encounter)
    return render_encounter(encounter, 400, **{form_name: form})


@core_bp.route("/codes/search")
@roles_required(Role.DOCTOR, Role.PHARMACIST)
def code_search():
    """The diagnosis form's picker (session-authenticated JSON): GB/T 15657-2021 names by name,
    pinyin, initials or code; with `disease=<code>` the usual patterns of that disease first."""
    query = request.args.get("q", "")[:32]
    kind = request.args.get("kind", "")
    kind = kind if kind in ("disease", "pattern", "method") else "disease"
    disease = request.args.get("disease", "")[:32]
    usual = codes.usual_pattern_prefixes(disease) if kind == "pattern" else ()
    items = [
        {
            "code": c.code,
            "name": c.name,
            "pinyin": "".join(c.syllables),
            "temporary": c.temporary,
            "usual": any(c.key == p or c.key.startswith(p + ".") for p in usual),
        }
        for c in codes.search(query, kind, disease, limit=12)
    ]
    return jsonify({"items": items})
