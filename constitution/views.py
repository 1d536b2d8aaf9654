"""The constitution pages for patients (phone first): my assessments, taking a questionnaire a
few questions a page (saved as they go, resumable), the review before submitting, the result
with its chart and advice, and the history across assessments."""

from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from constitution.forms import (
    GO,
    CarePlanForm,
    ConfirmForm,
    RequestForm,
    StartForm,
    SubmitForm,
    page_form,
)
from constitution.models import Assessment
from constitution.services import assessments, care_plans, doctor, results, scales
from tcm_app.common.errors import TCMError
from tcm_app.common.questionnaire import Choice, Item, Scale
from tcm_app.extensions import db
from tcm_app.labels import choices
from tcm_app.models.accounts import Role
from tcm_app.models.patients import Patient
from tcm_app.services.access import own_patient_ids, visible_encounter
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required
from tcm_app.views.helpers import apply_errors, flash_error

bp = Blueprint(
    "constitution",
    __name__,
    url_prefix="/constitution",
    static_folder=Path(__file__).resolve().parent / "static",
)
PAGE_SIZE = 5  # questions a page: large type on a phone, a short scroll


@bp.app_context_processor
def constitution_helpers() -> dict:
    return {
        "constitution_name": constitution_name,
        "item_text": item_text,
        "choice_label": choice_label,
        "scale_title": scale_title,
        "scale_of": assessments.scale_of,
        "join_names": join_names,
        "english": english,
    }


def english() -> bool:
    return str(get_locale()) == "en"


def constitution_name(code: str) -> str:
    sub = scales.scale(scales.STANDARD).subscale(code)
    return sub.name_en if english() else sub.name


def join_names(codes: list[str]) -> str:
    return (", " if english() else "、").join(constitution_name(code) for code in codes)


def item_text(item: Item) -> str:
    return item.text_en if english() else item.text


def choice_label(choice: Choice) -> str:
    return choice.label_en if english() else choice.label


def scale_title(scale: Scale) -> str:
    return scale.title_en if english() else scale.title


def pages_of(scale: Scale, sex: str) -> list[list[Item]]:
    questions = list(scale.questions(sex))
    return [questions[i : i + PAGE_SIZE] for i in range(0, len(questions), PAGE_SIZE)]


@bp.get("/")
@roles_required(Role.PATIENT)
def my_assessments():
    patient = _chosen_patient(request.args.get("patient_id", type=int))
    family = [db.session.get(Patient, pid) for pid in own_patient_ids(current_user)]
    usable = assessments.scales_for_patient(patient)
    form = StartForm(patient_id=patient.id, scale=usable[0].code)
    form.scale.choices = choices((s.code, scale_title(s)) for s in usable)
    return render_template(
        "constitution/mine.html",
        patient=patient,
        family=family,
        form=form,
        drafts=assessments.drafts_for(patient.id),
        requests=assessments.open_requests(patient.id),
        trends=results.trends(patient.id, scales.all_scales()),
        plans=care_plans.active_plans(patient.id),
        progress=progress,
    )


def _chosen_patient(patient_id: int | None) -> Patient:
    ids = own_patient_ids(current_user)
    if not ids:
        abort(404)
    chosen = patient_id if patient_id in ids else ids[0]
    patient = db.session.get(Patient, chosen)
    assert patient is not None
    return patient


def progress(assessment: Assessment) -> tuple[int, int]:
    """(answered, asked) of a draft."""
    asked = len(assessments.scale_of(assessment).questions(assessment.sex))
    return asked - len(assessments.unanswered(assessment)), asked


@bp.post("/start")
@roles_required(Role.PATIENT)
def start():
    form = StartForm()
    patient_id = request.form.get("patient_id", type=int)
    patient = assessments.answerable_patient(current_user, patient_id or 0)
    form.scale.choices = choices((s.code, s.code) for s in assessments.scales_for_patient(patient))

    def render(status: int):
        # A refusal (the patient's sex not recorded, a scale not for their age) says why.
        flash(form.form_errors[0] if form.form_errors else _("Choose a questionnaire."), "error")
        return redirect(url_for(".my_assessments", patient_id=patient.id))

    return form_action(
        form,
        lambda: assessments.start(current_user, patient, form.scale.data),
        render,
        done=_("Each answer is saved as you tick it; you can stop and continue later."),
        then=lambda a: url_for(".answer", assessment_id=a.id, page=a.page),
    )


@bp.route("/a/<int:assessment_id>/page/<int:page>", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def answer(assessment_id: int, page: int):
    assessment = assessments.own_assessment(current_user, assessment_id)
    if assessment.status != assessments.DRAFT:
        return redirect(url_for(".result", assessment_id=assessment.id))
    scale = assessments.scale_of(assessment)
    pages = pages_of(scale, assessment.sex)
    if not 1 <= page <= len(pages):
        abort(404)
    items = pages[page - 1]
    saved = {item.code: assessment.answers.get(item.code) for item in items}
    form = page_form(
        items, item_text, choice_label, data=saved if request.method == "GET" else None
    )

    def render(status: int):
        return render_template(
            "constitution/answer.html", assessment=assessment, scale=scale, form=form,
            items=items, page=page, pages=len(pages), progress=progress(assessment),
        ), status  # fmt: skip

    if request.method == "GET":
        return render(200)
    given = {item.code: form[item.code].data for item in items if form[item.code].data}
    go = request.form.get("go") if request.form.get("go") in GO else "next"
    target = _page_after(go, page, len(pages), assessment)
    if request.headers.get("X-Autosave") == "1":
        return _autosave(form, assessment, given, page)
    if not form.validate_on_submit():
        return render(400)
    try:
        assessments.save_answers(assessment, current_user, given, page)
        db.session.commit()
    except TCMError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return render(exc.status)
    if go == "later":
        flash(_("Your answers are saved. Continue any time from My constitution."))
    return redirect(target)


def _page_after(go: str, page: int, count: int, assessment: Assessment) -> str:
    if go == "later":
        return url_for(".my_assessments", patient_id=assessment.patient_id)
    if go == "prev":
        return url_for(".answer", assessment_id=assessment.id, page=max(1, page - 1))
    if go == "review" or page >= count:
        return url_for(".review", assessment_id=assessment.id)
    return url_for(".answer", assessment_id=assessment.id, page=page + 1)


def _autosave(form, assessment: Assessment, given: dict, page: int):
    """A click saved at once by the page's script, so closing the phone loses nothing."""
    if not form.validate_on_submit():
        return {"error": {"code": "invalid", "message": _("The answer was not saved.")}}, 400
    try:
        assessments.save_answers(assessment, current_user, given, page)
        db.session.commit()
    except TCMError as exc:
        db.session.rollback()
        return {"error": {"code": exc.code, "message": exc.message}}, exc.status
    return {"saved": len(given)}, 200


@bp.route("/a/<int:assessment_id>/review", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def review(assessment_id: int):
    assessment = assessments.own_assessment(current_user, assessment_id)
    if assessment.status != assessments.DRAFT:
        return redirect(url_for(".result", assessment_id=assessment.id))
    scale = assessments.scale_of(assessment)
    form = SubmitForm()

    def render(status: int):
        numbered = _numbered(scale, assessment)
        return render_template(
            "constitution/review.html", assessment=assessment, scale=scale, form=form,
            numbered=numbered, missing=[row for row in numbered if row[3] is None],
            progress=progress(assessment),
        ), status  # fmt: skip

    if request.method == "POST" and form.validate_on_submit():
        try:
            assessments.submit(assessment, current_user)
            db.session.commit()
        except TCMError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            return render(exc.status)
        return redirect(url_for(".result", assessment_id=assessment.id))
    return render(400 if request.method == "POST" else 200)


def _numbered(scale: Scale, assessment: Assessment) -> list[tuple[int, int, Item, Choice | None]]:
    """(number, page, item, chosen answer or None) for every question asked."""
    rows = []
    for page_number, items in enumerate(pages_of(scale, assessment.sex), 1):
        for item in items:
            value = assessment.answers.get(item.code)
            chosen = next((c for c in item.choices if c.value == value), None)
            rows.append((len(rows) + 1, page_number, item, chosen))
    return rows


@bp.get("/a/<int:assessment_id>")
@roles_required(Role.PATIENT, Role.DOCTOR, Role.CLINIC)
def result(assessment_id: int):
    assessment = assessments.visible_assessment(current_user, assessment_id)
    if assessment.status == assessments.DRAFT:
        if current_user.role != Role.PATIENT:
            abort(404)
        return redirect(url_for(".answer", assessment_id=assessment.id, page=assessment.page))
    view = results.result_view(assessment)
    return render_template("constitution/result.html", view=view, assessment=assessment)


# ---- the doctor: confirm a constitution, ask for the questionnaire (from the visit page) ----


def confirm_form(panel=None) -> ConfirmForm:
    """The confirmation form; on the visit page (`panel` given) filled from the latest result."""
    if panel is None:
        form = ConfirmForm()  # a POST reads request.form
    else:
        latest = panel.latest.assessment if panel.latest else None
        form = ConfirmForm(data={
            "primary": list(latest.primary) if latest else [],
            "tendencies": list(latest.tendencies) if latest else [],
            "assessment_id": latest.id if latest else "",
        })  # fmt: skip
    form.primary.choices = type_choices()
    form.tendencies.choices = type_choices(but="pinghe")
    return form


def type_choices(but: str | None = None):
    return choices((code, constitution_name(code)) for code in doctor.TYPES if code != but)


@bp.app_context_processor
def constitution_panel_helpers() -> dict:
    return {
        "constitution_panel": doctor.encounter_panel,
        "constitution_confirm_form": confirm_form,
        "constitution_request_form": RequestForm,
        "constitution_requests_by": doctor.requested_by,
        "constitution_recent": doctor.recent_assessments,
        "constitution_trends": lambda patient_id: results.trends(patient_id, scales.all_scales()),
        "constitution_answers_to": doctor.answers_to,
        "constitution_plans": care_plans.active_plans,
        "constitution_plan_form": plan_form,
    }


def plan_form(panel=None) -> CarePlanForm:
    """The care-plan form; on the visit page (`panel` given) set to the confirmed constitution,
    else the questionnaire's."""
    if panel is None:
        form = CarePlanForm()  # a POST reads request.form
    else:
        chosen = panel.confirmation.primary if panel.confirmation else []
        if not chosen and panel.latest:
            chosen = panel.latest.assessment.primary
        form = CarePlanForm(constitution=chosen[0] if chosen else "pinghe")
    form.constitution.choices = type_choices()
    return form


def _visit_action(encounter, form, action, done: str, invalid: str | None = None):
    """A doctor's form on the visit page's constitution card: run it, commit, say so, and go
    back to the card; an invalid form or a refusal is said there instead."""
    back = url_for("core.encounter_view", encounter_id=encounter.id) + "#constitution"
    if not form.validate_on_submit():
        if invalid:
            flash(invalid, "error")
        return redirect(back)
    try:
        action()
        db.session.commit()
    except TCMError as exc:
        db.session.rollback()
        flash_error(exc)
        return redirect(back)
    flash(done)
    return redirect(back)


@bp.post("/encounters/<int:encounter_id>/confirm")
@roles_required(Role.DOCTOR)
def confirm(encounter_id: int):
    encounter = visible_encounter(current_user, encounter_id)
    form = confirm_form()
    return _visit_action(
        encounter, form,
        lambda: doctor.confirm(
            current_user, encounter, form.primary.data or [], form.tendencies.data or [],
            form.note.data or "", _int_or_none(form.assessment_id.data),
        ),
        _("The constitution is confirmed."), _("Choose the constitution you confirm."),
    )  # fmt: skip


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.post("/encounters/<int:encounter_id>/request")
@roles_required(Role.DOCTOR)
def request_assessment(encounter_id: int):
    encounter = visible_encounter(current_user, encounter_id)
    form = RequestForm()
    return _visit_action(
        encounter, form,
        lambda: doctor.request_assessment(current_user, encounter, form.note.data or ""),
        _("The patient is asked to take the questionnaire."),
    )  # fmt: skip


@bp.post("/encounters/<int:encounter_id>/plans")
@roles_required(Role.DOCTOR)
def enrol(encounter_id: int):
    encounter = visible_encounter(current_user, encounter_id)
    form = plan_form()
    return _visit_action(
        encounter, form,
        lambda: care_plans.enrol(
            current_user, encounter, form.constitution.data, form.goal.data or "",
            form.reassess_days.data,
        ),
        _("The patient is enrolled in the care plan."),
        _("Choose the constitution and reassess every 14 to 365 days."),
    )  # fmt: skip


@bp.post("/encounters/<int:encounter_id>/plans/<int:plan_id>/end")
@roles_required(Role.DOCTOR)
def end_plan(encounter_id: int, plan_id: int):
    encounter = visible_encounter(current_user, encounter_id)
    plan = next((p for p in care_plans.active_plans(encounter.patient_id) if p.id == plan_id), None)
    if plan is None:
        abort(404)
    return _visit_action(
        encounter, SubmitForm(), lambda: care_plans.end(plan, current_user),
        _("The care plan has ended."),
    )  # fmt: skip
