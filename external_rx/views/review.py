"""The pharmacist's review actions on an outside prescription's page (its checks, transcription,
second signature, approval, question, refusal) and the patient's answer. Each posts one form and
comes back to the submission page, with the refusal in Chinese beside its field."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from external_rx import review_rules
from external_rx.forms import (
    AnswerForm,
    ApproveForm,
    AskForm,
    CheckForm,
    OcrForm,
    RefuseForm,
    SecondSignForm,
    TranscriptionForm,
)
from external_rx.services import ocr, review, submissions
from external_rx.views.blueprint import bp
from external_rx.views.pages import EDITOR_ROWS, act, render_submission, transcription_form
from herbs.forms import append_blank_rows, append_row, place_line_errors, rows_of
from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.views.guards import roles_required
from tcm_app.views.voice import posted_voice, voice_response

MORE_ROWS = 6


@bp.post("/<int:submission_id>/check")
@roles_required(Role.PHARMACIST)
def confirm_check(submission_id: int):
    form = CheckForm()
    return act(
        submission_id, form,
        lambda s: review.confirm_check(
            s, current_user, form.check.data, form.rx_number.data,
            int(form.valid_days.data) if form.valid_days.data else None,
        ),
        "check_form", _("Check confirmed."),
    )  # fmt: skip


@bp.post("/<int:submission_id>/transcription")
@roles_required(Role.PHARMACIST)
def transcribe(submission_id: int):
    found = submissions.visible_submission(current_user, submission_id)
    form = TranscriptionForm()
    if "more_rows" in request.form:
        append_blank_rows(form, MORE_ROWS)
        return render_submission(found, transcription_form=form)
    if not form.validate():
        return render_submission(found, 422, transcription_form=form)
    raw_lines, positions, unconfirmed = rows_of(form)
    if unconfirmed:
        form.form_errors.append(_("Confirm every line read from the photo, or correct it first."))
        return render_submission(found, 422, transcription_form=form)
    try:
        review.save_transcription(
            found, current_user, raw_lines, form.packets.data, form.usage.data,
            writer_countersigned=form.writer_countersigned.data,
            official_seal=form.official_seal.data,
        )  # fmt: skip
    except TCMError as exc:
        db.session.rollback()
        place_line_errors(form, exc, positions)
        return render_submission(found, exc.status, transcription_form=form)
    db.session.commit()
    flash(_("Transcription saved and checked. Read the findings before approving."))
    return redirect(url_for("external_rx.submission", submission_id=found.id, _anchor="decide"))


@bp.post("/<int:submission_id>/ocr")
@roles_required(Role.PHARMACIST)
def read_photos(submission_id: int):
    """The optional OCR assist: rows proposed from the photos, each to confirm; nothing saved."""
    found = submissions.visible_submission(current_user, submission_id)
    form = OcrForm()
    if not (form.validate_on_submit() and ocr.available()):
        abort(404)
    if found.status != "waiting" or review_rules.next_check(found.checks or {}):
        return redirect(url_for("external_rx.submission", submission_id=found.id))
    proposed = ocr.proposals(found, current_user)
    db.session.commit()  # the audit entry of the reading
    rows = transcription_form(found, blank=False)
    for proposal, catalogue_name in proposed:
        append_row(rows, catalogue_name or proposal.name, proposal.grams, None, proposal.read_as,
                   from_template=True)  # fmt: skip
    append_blank_rows(rows, max(EDITOR_ROWS - len(rows.lines), 2))
    if proposed:
        flash(_("%(count)s lines read from the photo: check each against the paper, correct it, "
                "and tick it.", count=len(proposed)))  # fmt: skip
    else:
        flash(_("No line could be read from the photo: transcribe it by hand."), "warning")
    return render_submission(found, transcription_form=rows)


@bp.post("/<int:submission_id>/second-signature")
@roles_required(Role.PHARMACIST)
def second_sign(submission_id: int):
    form = SecondSignForm()
    return act(
        submission_id, form,
        lambda s: review.second_sign(s, current_user, form.signing_password.data, form.note.data),
        "second_form", _("Signed as the second pharmacist."),
    )  # fmt: skip


@bp.post("/<int:submission_id>/approve")
@roles_required(Role.PHARMACIST)
def approve(submission_id: int):
    form = ApproveForm()
    return act(
        submission_id, form,
        lambda s: review.approve(s, current_user, form.signing_password.data),
        "approve_form", _("Approved. The patient is told and may order it."),
    )  # fmt: skip


@bp.post("/<int:submission_id>/ask")
@roles_required(Role.PHARMACIST)
def ask(submission_id: int):
    form = AskForm()
    return act(
        submission_id, form, lambda s: review.ask(s, current_user, form.text.data),
        "ask_form", _("Question sent. The review waits for the patient's answer."),
    )  # fmt: skip


@bp.post("/<int:submission_id>/refuse")
@roles_required(Role.PHARMACIST)
def refuse(submission_id: int):
    form = RefuseForm()
    return act(
        submission_id, form, lambda s: review.refuse(s, current_user, form.reason.data),
        "refuse_form", _("Refused. The patient reads the reason."),
    )  # fmt: skip


@bp.post("/<int:submission_id>/answer")
@roles_required(Role.PATIENT)
def answer(submission_id: int):
    form = AnswerForm()
    return act(
        submission_id, form,
        lambda s: review.answer(s, current_user, form.text.data, posted_voice()),
        "answer_form", _("Answer sent to the pharmacist."),
    )  # fmt: skip


@bp.get("/<int:submission_id>/messages/<int:message_id>/voice")
@roles_required(Role.PATIENT, Role.PHARMACIST)
def message_voice(submission_id: int, message_id: int):
    """The patient's answer said in a voice note, played on the submission page (the patient's
    own side and the pharmacists'); another's submission or a message without one: 404."""
    found = submissions.visible_submission(current_user, submission_id)
    message = next((m for m in found.messages if m.id == message_id), None)
    if message is None:
        abort(404)
    return voice_response(message.audio_key, message.audio_mime, f"voice-{message.id}")
