"""The outside-prescription pages: the patient's (phone first) list, start, pages and sending;
the pharmacists' queue; a submission with its photos for both; each photo."""

from datetime import datetime

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from external_rx import review_rules
from external_rx.forms import (
    AnswerForm,
    ApproveForm,
    AskForm,
    CheckForm,
    OcrForm,
    PageForm,
    RefuseForm,
    SecondSignForm,
    SendForm,
    StartForm,
    TranscriptionForm,
)
from external_rx.intake_rules import CHECKS
from external_rx.services import ocr, review, submissions
from external_rx.views.blueprint import bp
from herbs import prescribing
from herbs.forms import append_blank_rows, append_row
from tcm_app.extensions import db
from tcm_app.labels import error_message
from tcm_app.models.accounts import Role, User
from tcm_app.models.patients import Patient
from tcm_app.services.access import own_patient_ids
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required
from tcm_app.views.responses import file_response


def _upload() -> bytes:
    upload = request.files.get("file")
    return upload.read() if upload else b""


@bp.get("/mine")
@roles_required(Role.PATIENT)
def mine():
    return render_template(
        "external_rx/mine.html", submissions=submissions.patient_submissions(current_user)
    )


def _patients() -> list[Patient]:
    return [db.session.get(Patient, pid) for pid in own_patient_ids(current_user)]


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def new():
    people = _patients()
    if not people:  # an account without its patient record has nobody to send for
        abort(404)
    form = StartForm()
    if not form.is_submitted():
        form.patient_id.data = request.args.get("patient_id") or str(people[0].id)
    chosen = next((p for p in people if str(p.id) == form.patient_id.data), None)
    if chosen is None:
        abort(404)

    def start():
        return submissions.start(
            current_user, chosen, institution=form.institution.data or "",
            doctor_name=form.doctor_name.data or "", written_on=form.written_on.data,
            declared=bool(form.declared.data), first_page=_upload(),
        )  # fmt: skip

    return form_action(
        form, start,
        lambda status: (render_template("external_rx/new.html", form=form, patient=chosen,
                                        people=people), status),
        done=_("The first page is kept. Add more pages, then send it to the pharmacist."),
        then=lambda s: url_for("external_rx.submission", submission_id=s.id),
        invalid_status=422,
    )  # fmt: skip


EDITOR_ROWS = 12
FORMS = {
    "page_form": PageForm, "send_form": SendForm, "check_form": CheckForm,
    "second_form": SecondSignForm, "approve_form": ApproveForm, "ask_form": AskForm,
    "refuse_form": RefuseForm, "answer_form": AnswerForm, "ocr_form": OcrForm,
}  # fmt: skip


def transcription_form(submission, blank: bool = True) -> TranscriptionForm:
    """The saved transcription, or the usual usage to start from; then blank rows."""
    form = TranscriptionForm(
        formdata=None, packets=submission.packets or 7,
        usage=submission.usage or prescribing.DEFAULT_USAGE,
        writer_countersigned=submission.writer_countersigned,
        official_seal=submission.official_seal,
    )  # fmt: skip
    if not blank:
        return form
    for line in submission.lines:
        append_row(form, line.written_name, f"{line.dose_g:g}", line.method)
    append_blank_rows(form, max(EDITOR_ROWS - len(form.lines), 2))
    return form


def _check_rows(submission, next_check) -> list[dict]:
    """Each check with its state (done, current, todo), who confirmed it and when."""
    rows = []
    for name in CHECKS:
        stamp = (submission.checks or {}).get(name)
        state = "done" if stamp else ("current" if name == next_check else "todo")
        rows.append({
            "name": name, "state": state,
            "by": db.session.get(User, stamp["by"]) if stamp else None,
            "at": datetime.fromisoformat(stamp["at"]) if stamp else None,
        })  # fmt: skip
    return rows


def render_submission(submission, status=200, **forms):
    """The submission page with whatever forms its reader may use; `forms` carry a posted one
    back with its errors."""
    for name, form_class in FORMS.items():
        forms.setdefault(name, form_class(formdata=None))
    next_check = review_rules.next_check(submission.checks or {})
    forms["check_form"].check.data = next_check
    if current_user.role == Role.PHARMACIST and "transcription_form" not in forms:
        forms["transcription_form"] = transcription_form(submission)
    return render_template(
        "external_rx/submission.html", submission=submission, next_check=next_check,
        check_rows=_check_rows(submission, next_check),
        last_valid_day=review_rules.last_valid_day(
            submission.written_on,
            submission.valid_days or current_app.config["EXTERNAL_RX_VALID_DAYS"],
        ),
        approval_problems=[error_message(c, c) for c in review.approval_problems(submission)],
        needs_second=review_rules.needs_second_pharmacist(submission.findings or []),
        review_minutes=review.review_minutes(submission), ocr_available=ocr.available(),
        **forms,
    ), status  # fmt: skip


@bp.get("/<int:submission_id>")
@roles_required(Role.PATIENT, Role.PHARMACIST)
def submission(submission_id: int):
    return render_submission(submissions.visible_submission(current_user, submission_id))


def act(submission_id: int, form, action, form_name: str, done: str):
    """Post one form of the submission page: `action(submission)` and back to the page, or the
    page again with the form's errors (422, or the refusal's status)."""
    found = submissions.visible_submission(current_user, submission_id)
    return form_action(
        form, lambda: action(found),
        lambda status: render_submission(found, status, **{form_name: form}),
        done=done, then=url_for("external_rx.submission", submission_id=found.id),
        invalid_status=422,
    )  # fmt: skip


@bp.post("/<int:submission_id>/pages")
@roles_required(Role.PATIENT)
def add_page(submission_id: int):
    return act(
        submission_id, PageForm(), lambda s: submissions.add_page(s, current_user, _upload()),
        "page_form", _("The page is added."),
    )  # fmt: skip


@bp.post("/<int:submission_id>/send")
@roles_required(Role.PATIENT)
def send(submission_id: int):
    return act(
        submission_id, SendForm(), lambda s: submissions.submit(s, current_user), "send_form",
        _("Sent: a pharmacist checks it and you will be told here and in your messages."),
    )  # fmt: skip


@bp.get("/<int:submission_id>/pages/<int:number>")
@roles_required(Role.PATIENT, Role.PHARMACIST)
def page_file(submission_id: int, number: int):
    found = submissions.visible_submission(current_user, submission_id)
    page = next((p for p in found.pages if p.number == number), None)
    if page is None:
        abort(404)
    suffix = {"application/pdf": ".pdf", "image/png": ".png"}.get(page.content_type, ".jpg")
    data = submissions.read_page(page)
    return file_response(data, page.content_type, f"rx-{found.id}-{number}{suffix}", inline=True)


@bp.get("/queue")
@roles_required(Role.PHARMACIST)
def queue():
    return render_template(
        "external_rx/queue.html", submissions=submissions.waiting(),
        with_patient=submissions.waiting("questions"), review_minutes=review.review_minutes,
    )  # fmt: skip
