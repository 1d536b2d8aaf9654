"""Prescribing pages: the doctor's editor and signature, the pharmacist's review queue, the
patient's prescriptions and PDF, and the public verification page behind the QR code."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from herbs import prescribing
from herbs.api.schemas import lookalike_hint
from herbs.forms import (
    PrescriptionForm,
    RenewalDeclineForm,
    RenewalRequestForm,
    ReviewForm,
    SignForm,
    SigningPasswordForm,
    append_blank_rows,
    append_row,
    place_line_errors,
    rows_of,
)
from herbs.models import Prescription, PrescriptionRenewal, PrescriptionStatus
from herbs.safety import DOUBLE_SIGN, HerbLine, PatientFacts
from herbs.services import access, formulas, pdf_delivery, prescriptions, renewals
from herbs.services.catalogue import current_catalogue
from herbs.services.documents import prescription_number
from tcm_app.common.errors import NotFoundError, TCMError
from tcm_app.extensions import db
from tcm_app.labels import error_message
from tcm_app.models.accounts import Role
from tcm_app.services import access as core_access
from tcm_app.services.accounts import set_signing_password
from tcm_app.services.clock import utc_now
from tcm_app.views.errors import form_page_refusal
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import public, roles_required
from tcm_app.views.helpers import apply_errors, flash_error
from tcm_app.views.recovery import recent_sign_in_required
from tcm_app.views.responses import pdf_response
from tcm_app.views.security_headers import allow_same_origin_framing
from tcm_app.views.voice import posted_voice, voice_response

# Its scripts are served from <domain>/static at /herbs/static/ (endpoint herbs.static).
bp = Blueprint("herbs", __name__, url_prefix="/herbs", static_folder="static")
# The doctor's call page shows the editor beside the video (same-origin frame only).
EMBEDDABLE = {
    "herbs.prescription_open",
    "herbs.prescription_edit",
    "herbs.prescription_sign",
    "herbs.prescription_view",
}


@bp.after_request
def embeddable_in_our_pages(response):
    if request.endpoint in EMBEDDABLE:
        return allow_same_origin_framing(response)
    return response


EDITOR_ROWS = 12
MORE_ROWS = 6
SEARCH_LIMIT = 12


def renewal_refusal_text(prescription) -> str:
    """Why the patient cannot ask to renew this prescription now, in their words ("" if they
    can)."""
    refused = renewals.refusal(prescription)
    return error_message(refused.code, refused.message, refused.params) if refused else ""


@bp.app_context_processor
def workbench_helpers():
    """The doctor's workbench lists the prescriptions a pharmacist returned."""

    def returned_prescriptions_for(user):
        returned = access.returned_to(user).options(
            selectinload(Prescription.patient), selectinload(Prescription.reviewed_by)
        )
        return db.session.scalars(returned.limit(100)).all()

    def lookalikes_of(herb_code: str | None):
        """A herb's look-alikes (pairs from herbs/data/lookalikes.yaml) for a hint on the page."""
        return current_catalogue().lookalikes.for_code(herb_code)

    def lookalikes_of_name(written: str | None):
        """The same for a name as typed in the editor (name, alias or pinyin-free spelling)."""
        herb = current_catalogue().index.resolve(written) if written else None
        return lookalikes_of(herb.code if herb else None)

    return {
        "returned_prescriptions_for": returned_prescriptions_for,
        "lookalikes_of": lookalikes_of,
        "lookalikes_of_name": lookalikes_of_name,
        "lookalike_hint": lookalike_hint,
        "renewal_of_encounter": renewals.renewal_of_encounter,
        "renewal_refusal_text": renewal_refusal_text,
        "renewal_request_form": RenewalRequestForm,
        "renewal_decline_form": RenewalDeclineForm,
    }


@bp.route("/search")
@roles_required(Role.DOCTOR, Role.PHARMACIST)
def herb_search():
    """Typeahead for the editor (session-authenticated JSON)."""
    query = request.args.get("q", "")[: prescribing.MAX_NAME_CHARS]
    catalogue = current_catalogue()
    herbs = []
    for hit in catalogue.search.search(query, SEARCH_LIMIT):
        herb = catalogue.index.by_code[hit.code]
        herbs.append(
            {
                "name": herb.name,
                "matched": hit.matched,
                "pinyin": herb.pinyin,
                "method": herb.method or "",
                "dose": _dose_range(herb),
                "in_stock": herb.stock_g > 0,
                "lookalike_hint": lookalike_hint(catalogue.lookalikes.for_code(herb.code)),
            }
        )
    return jsonify({"herbs": herbs})


def _dose_range(herb) -> str:
    if herb.dose_min_g is None:
        return ""
    return f"{herb.dose_min_g:g}–{herb.dose_max_g:g}g"


@bp.route("/check", methods=["POST"])
@roles_required(Role.DOCTOR, Role.PHARMACIST)
def live_check():
    """The editor's live safety check (JSON in, findings out; CSRF header required)."""
    body = request.get_json(silent=True) or {}
    patient = _patient_facts_for(body.get("prescription_id"))
    lines, packets, _patient, errors = prescribing.parse_check_request(
        {"herbs": body.get("herbs"), "packets": body.get("packets", 1)}
    )
    if errors:
        return jsonify({"findings": [], "errors": errors})
    herb_lines = [HerbLine(line.name, line.dose_g) for line in lines]
    findings = prescriptions.check(herb_lines, packets, patient)
    return jsonify({"findings": [f.as_dict() for f in findings]})


def _patient_facts_for(prescription_id) -> PatientFacts:
    if not isinstance(prescription_id, int):
        return PatientFacts()
    prescription = access.visible_prescription(current_user, prescription_id)
    return prescriptions.patient_facts(prescription.patient)


@bp.route("/encounters/<int:encounter_id>/prescriptions", methods=["POST"])
@roles_required(Role.DOCTOR)
def prescription_open(encounter_id: int):
    encounter = core_access.visible_encounter(current_user, encounter_id)
    back = url_for("core.encounter_view", encounter_id=encounter_id)
    return _to_editor(lambda: prescriptions.open_draft(encounter, current_user), back)


def _to_editor(make_draft, back_url: str):
    """Run a service that yields a draft and open it in the editor, or go back with the refusal."""
    try:
        draft = make_draft()
    except TCMError as exc:
        flash_error(exc)
        return redirect(back_url)
    db.session.commit()
    return redirect(url_for("herbs.prescription_edit", prescription_id=draft.id))


@bp.route("/prescriptions/<int:prescription_id>/edit", methods=["GET", "POST"])
@roles_required(Role.DOCTOR)
@recent_sign_in_required(methods=("GET",))  # it holds the sign form; saving a draft is no signature
def prescription_edit(prescription_id: int):
    prescription = access.visible_prescription(current_user, prescription_id)
    if prescription.status != PrescriptionStatus.DRAFT:
        return redirect(url_for("herbs.prescription_view", prescription_id=prescription.id))
    if request.method == "GET":
        return render_editor(prescription, _form_from_draft(prescription))
    form = PrescriptionForm()
    if "more_rows" in request.form:
        append_blank_rows(form, MORE_ROWS)
        return render_editor(prescription, form)
    if not form.validate():
        return render_editor(prescription, form, status=422)
    raw_lines, positions, unconfirmed = rows_of(form)
    if unconfirmed:
        form.form_errors.append(_("Confirm every line taken from the template."))
        return render_editor(prescription, form, status=422)
    try:
        prescriptions.save_draft(
            prescription,
            current_user,
            raw_lines,
            form.packets.data,
            form.usage.data,
            _int(form.version.data),
            _int(form.template_id.data),
        )
    except TCMError as exc:
        db.session.rollback()
        _refuse_draft(prescription, form, exc, positions)
        return render_editor(prescription, form, status=exc.status)
    db.session.commit()
    flash(_("Draft saved. Check the findings, then sign."))
    return redirect(url_for("herbs.prescription_edit", prescription_id=prescription.id))


def _refuse_draft(prescription, form, exc: TCMError, positions: list[int]) -> None:
    """Show why the draft was not saved. A stale version (saved meanwhile in another tab, or a
    double submit) keeps the typed lines and takes the current version for the next save."""
    if exc.code == "stale":
        form.form_errors.append(
            _(
                "This draft was changed meanwhile (in another tab or window). Your lines are "
                "kept below; check them against the saved draft and save again."
            )
        )
        form.version.data = str(prescription.version)
        return
    place_line_errors(form, exc, positions)


def _int(value):
    return int(value) if value and str(value).isdigit() else None


def _form_from_draft(prescription) -> PrescriptionForm:
    template = _requested_template()
    form = PrescriptionForm(
        formdata=None,
        packets=prescription.packets,
        usage=prescription.usage,
        version=prescription.version,
        template_id=template.id if template else prescription.template_id,
    )
    if template is not None:
        form.usage.data = _template_usage(template, form.usage.data)
        for line in template.herb_lines:
            dose = f"{line.dose_g:g}" if line.dose_g else ""
            append_row(form, line.herb_name, dose, line.method, line.original or "", True)
    else:
        for line in prescription.lines:
            append_row(form, line.written_name, f"{line.dose_g:g}", line.method)
    append_blank_rows(form, max(EDITOR_ROWS - len(form.lines), 2))
    return form


def _template_usage(template, current: str | None) -> str:
    """The template's usage (else the draft's) plus the formula's adjuvant lines (白酒 一斗):
    not herbs, so the usage text carries them to the signed prescription and the decoction room."""
    usage = template.usage or current or ""
    adjuvants = formulas.adjuvant_text(template)
    if not adjuvants:
        return usage
    return "；".join(filter(None, [usage, _("Adjuvant (not a herb): %(lines)s", lines=adjuvants)]))


def _requested_template():
    template_id = request.args.get("template", "")
    if not template_id.isdigit():
        return None
    try:
        return formulas.get_template(int(template_id))
    except NotFoundError:
        return None


def render_editor(prescription, form, status=200):
    findings = prescriptions.findings_for(prescription)
    double_sign = [f for f in findings if f.severity == DOUBLE_SIGN]
    sign_form = SignForm(formdata=None, version=prescription.version)
    templates = formulas.search_templates(limit=200)
    return (
        render_template(
            "herbs/prescriptions/edit.html",
            prescription=prescription,
            number=prescription_number(prescription),
            form=form,
            sign_form=sign_form,
            findings=findings,
            double_sign=double_sign,
            templates=templates,
            applied_template=_requested_template(),
            blockers=prescriptions.prescribing_status(prescription.encounter),
            patient_facts=prescriptions.patient_facts(prescription.patient),
        ),
        status,
    )


@bp.route("/prescriptions/<int:prescription_id>/sign", methods=["POST"])
@roles_required(Role.DOCTOR)
@recent_sign_in_required(
    back=lambda prescription_id: url_for("herbs.prescription_edit", prescription_id=prescription_id)
)
def prescription_sign(prescription_id: int):
    prescription = access.visible_prescription(current_user, prescription_id)
    form = SignForm()
    if not form.validate():
        flash(_("Enter your signing password."), "error")
        return redirect(url_for("herbs.prescription_edit", prescription_id=prescription_id))
    reasons = {
        key.removeprefix("reason-"): value
        for key, value in request.form.items()
        if key.startswith("reason-")
    }
    try:
        prescriptions.sign(
            prescription, current_user, form.signing_password.data, reasons, _int(form.version.data)
        )
    except TCMError as exc:
        flash_error(exc)
        return redirect(url_for("herbs.prescription_edit", prescription_id=prescription_id))
    db.session.commit()
    flash(_("Signed. The prescription now waits for pharmacist review."))
    return redirect(url_for("herbs.prescription_view", prescription_id=prescription_id))


@bp.route("/prescriptions/<int:prescription_id>")
@roles_required(Role.DOCTOR, Role.PHARMACIST, Role.PATIENT)
@recent_sign_in_required(roles={Role.PHARMACIST})  # it holds the review form
def prescription_view(prescription_id: int):
    prescription = access.visible_prescription(current_user, prescription_id)
    return render_view(prescription, ReviewForm(formdata=None))


def render_view(prescription, review_form, status=200, renewal_form=None):
    """The prescription page; `renewal_form`: the patient's posted renewal request, shown
    again with its errors beside its fields (else the page draws an empty one)."""
    history = _history(prescription)
    return (
        render_template(
            "herbs/prescriptions/view.html",
            prescription=prescription,
            number=prescription_number(prescription),
            status=prescriptions.effective_status(prescription),
            review_form=review_form,
            history=history,
            cost=prescriptions.herb_cost(prescription),
            intact=prescriptions.content_intact(prescription) if prescription.signed_at else None,
            renewal_form=renewal_form,
        ),
        status,
    )


def _history(prescription) -> list[Prescription]:
    chain, current = [], prescription.previous
    while current is not None:
        chain.append(current)
        current = current.previous
    return chain


@bp.route("/prescriptions/<int:prescription_id>/review", methods=["POST"])
@roles_required(Role.PHARMACIST)
@recent_sign_in_required(
    back=lambda prescription_id: url_for("herbs.prescription_view", prescription_id=prescription_id)
)
def prescription_review(prescription_id: int):
    prescription = access.visible_prescription(current_user, prescription_id)
    form = ReviewForm()
    if not form.validate():
        return render_view(prescription, form, status=422)
    try:
        prescriptions.review(
            prescription,
            current_user,
            form.decision.data == "approve",
            form.note.data,
            form.signing_password.data,
        )
    except TCMError as exc:
        apply_errors(form, exc)
        return render_view(prescription, form, status=exc.status)
    db.session.commit()
    flash(_("Review recorded."))
    return redirect(url_for("herbs.review_queue"))


@bp.route("/prescriptions/<int:prescription_id>/revise", methods=["POST"])
@roles_required(Role.DOCTOR)
def prescription_revise(prescription_id: int):
    prescription = access.visible_prescription(current_user, prescription_id)
    back = url_for("herbs.prescription_view", prescription_id=prescription_id)
    return _to_editor(lambda: prescriptions.revise(prescription, current_user), back)


@bp.route("/prescriptions/<int:prescription_id>/pdf")
@roles_required(Role.DOCTOR, Role.PHARMACIST, Role.PATIENT)
def prescription_pdf(prescription_id: int):
    prescription = access.visible_prescription(current_user, prescription_id)
    try:
        pdf = pdf_delivery.pdf_or_render(prescription, current_user)
    except TCMError as exc:
        flash_error(exc)
        return redirect(url_for("herbs.prescription_view", prescription_id=prescription_id))
    db.session.commit()  # sends a queued rendering (the embedded mode renders it here)
    pdf = pdf or pdf_delivery.rendered_pdf(prescription)
    if pdf is None:
        flash(_("The prescription document is being prepared. Try again in a moment."))
        return redirect(url_for("herbs.prescription_view", prescription_id=prescription_id))
    name = f"prescription-{prescription.id}-{prescription.revision}.pdf"
    return pdf_response(pdf, name, inline=False)


@bp.route("/review")
@roles_required(Role.PHARMACIST)
def review_queue():
    """The pharmacist's home: prescriptions waiting for review, oldest first, with how long."""
    # What each row shows (patient, doctor, the number of herbs): one query per kind, not per row.
    queue = access.review_queue().options(
        selectinload(Prescription.patient),
        selectinload(Prescription.doctor),
        selectinload(Prescription.lines),
    )
    waiting = db.session.scalars(queue.limit(200)).all()
    now = utc_now()
    waited = {rx.id: format_timedelta(now - rx.signed_at, threshold=1.5) for rx in waiting}
    return render_template("herbs/prescriptions/queue.html", waiting=waiting, waited=waited)


@bp.route("/mine")
@roles_required(Role.PATIENT)
def my_prescriptions():
    rows = db.session.scalars(
        access.prescriptions_query(current_user).order_by(Prescription.id.desc()).limit(200)
    ).all()
    return render_template("herbs/prescriptions/mine.html", rows=rows)


def medicine_hint() -> str:
    """The elderly mode's home (我的药): how many prescriptions there are, in plain words."""
    count = db.session.scalar(
        select(func.count()).select_from(access.prescriptions_query(current_user).subquery())
    )
    if not count:
        return _("No medicine prescribed yet.")
    return ngettext("%(num)s prescription.", "%(num)s prescriptions.", count)


@bp.route("/signing-password", methods=["GET", "POST"])
@roles_required(Role.DOCTOR, Role.PHARMACIST)
def signing_password():
    form = SigningPasswordForm()
    return form_action(
        form,
        lambda: set_signing_password(
            current_user, form.login_password.data, form.signing_password.data, request.remote_addr
        ),
        lambda status: (render_template("herbs/signing_password.html", form=form), status),
        done=_("Your signing password is set."),
        then=url_for("herbs.signing_password"),
        invalid_status=422,
    )


@bp.route("/verify/<token>")
@public
def prescription_verify(token: str):
    """The QR code's page: is this prescription genuine and still valid? No personal data."""
    prescription = db.session.scalar(
        db.select(Prescription).where(Prescription.verify_token == token[:64])
    )
    if prescription is None or prescription.signed_at is None:
        raise NotFoundError("no such prescription")
    return render_template(
        "herbs/prescriptions/verify.html",
        prescription=prescription,
        number=prescription_number(prescription),
        status=prescriptions.effective_status(prescription),
        intact=prescriptions.content_intact(prescription),
    )


@form_page_refusal("herbs.prescription_edit")
def _editor_refused_before_view(message: str):
    """An expired CSRF token on the editor: the typed lines come back with the reason on top."""
    prescription = access.visible_prescription(current_user, request.view_args["prescription_id"])
    if prescription.status != PrescriptionStatus.DRAFT:
        flash(message, "error")
        return redirect(url_for("herbs.prescription_view", prescription_id=prescription.id))
    form = PrescriptionForm(formdata=request.form)
    form.form_errors.append(message)
    form.version.data = str(prescription.version)
    return render_editor(prescription, form, status=400)


@form_page_refusal("herbs.prescription_review")
def _review_refused_before_view(message: str):
    prescription = access.visible_prescription(current_user, request.view_args["prescription_id"])
    form = ReviewForm(formdata=request.form)
    form.signing_password.data = ""
    form.form_errors.append(message)
    return render_view(prescription, form, status=400)


@form_page_refusal(
    "herbs.prescription_sign", "herbs.prescription_revise", "herbs.prescription_open"
)
def _action_refused_before_view(message: str):
    """Buttons without typed text: back to the page they were on, the reason shown on top."""
    flash(message, "error")
    if request.endpoint == "herbs.prescription_open":
        return redirect(url_for("core.encounter_view", **request.view_args))
    endpoint = "herbs.prescription_edit"
    if request.endpoint == "herbs.prescription_revise":
        endpoint = "herbs.prescription_view"
    return redirect(url_for(endpoint, **request.view_args))


# ---- repeat prescriptions (续方) ----


@bp.route("/prescriptions/<int:prescription_id>/renewal", methods=["POST"])
@roles_required(Role.PATIENT)
def renewal_request(prescription_id: int):
    """The patient asks to renew a dispensed prescription, in words or a voice note (语音留言);
    the new visit page follows. A problem with the words or the recording is shown beside its
    field on the prescription page; a refusal of the renewal itself (a rule, the doctor not online)
    is flashed on top of it, as before."""
    prescription = access.visible_prescription(current_user, prescription_id)
    form = RenewalRequestForm()
    if not form.validate_on_submit():
        return render_view(prescription, ReviewForm(formdata=None), 422, renewal_form=form)
    try:
        renewal = renewals.request_renewal(
            current_user, prescription, form.update.data or "", posted_voice()
        )
        db.session.commit()
    except TCMError as exc:
        db.session.rollback()
        if set(exc.fields) & {"update", "voice"}:
            apply_errors(form, exc)
            return render_view(prescription, ReviewForm(formdata=None), exc.status,
                               renewal_form=form)  # fmt: skip
        flash_error(exc)
        return redirect(url_for("herbs.prescription_view", prescription_id=prescription_id))
    flash(_("Renewal asked. Add a record of your in-person diagnosis and a tongue photo here; "
            "the doctor decides whether it can be renewed online."))  # fmt: skip
    return redirect(url_for("core.encounter_view", encounter_id=renewal.encounter_id))


@bp.get("/renewals/<int:renewal_id>/voice")
@roles_required(Role.PATIENT, Role.DOCTOR)
def renewal_voice(renewal_id: int):
    """The renewal's update said in a voice note, played where it is read (the renewal's visit
    page): to the patient's side and the deciding doctor; anyone else's, or none: 404."""
    renewal = db.session.get(PrescriptionRenewal, renewal_id)
    if renewal is None:
        raise NotFoundError("renewal not found")
    core_access.visible_encounter(current_user, renewal.encounter_id)  # 404 when not theirs
    return voice_response(renewal.audio_key, renewal.audio_mime, f"renewal-{renewal.id}")


@bp.route("/renewals/<int:renewal_id>/renew", methods=["POST"])
@roles_required(Role.DOCTOR)
def renewal_renew(renewal_id: int):
    renewal = _doctors_renewal(renewal_id)
    back = url_for("core.encounter_view", encounter_id=renewal.encounter_id)
    return _to_editor(lambda: renewals.renew(renewal, current_user), back)


@bp.route("/renewals/<int:renewal_id>/decline", methods=["POST"])
@roles_required(Role.DOCTOR)
def renewal_decline(renewal_id: int):
    renewal = _doctors_renewal(renewal_id)
    form = RenewalDeclineForm()
    back = url_for("core.encounter_view", encounter_id=renewal.encounter_id)
    try:
        renewals.decline(renewal, current_user, form.reason.data or "")
        db.session.commit()
        flash(_("The renewal is declined; the patient reads your reason."))
    except TCMError as exc:
        db.session.rollback()
        flash_error(exc)
    return redirect(back)


def _doctors_renewal(renewal_id: int):
    renewal = db.session.get(PrescriptionRenewal, renewal_id)
    if renewal is None or renewal.encounter.doctor_id != current_user.id:
        raise NotFoundError("renewal not found")
    return renewal
