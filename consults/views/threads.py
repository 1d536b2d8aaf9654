"""Text and image consult pages (图文问诊, phone first): the thread of a visit for the patient's
side and the doctor, opening it from the visit page, writing (words, a photo, or both), and the
doctor closing it. Registered on the consults blueprint."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consults.forms import ThreadMessageForm
from consults.models import ChatMessage
from consults.services import calls, threads
from consults.views.pages import bp
from tcm_app.common.errors import NotFoundError, TCMError
from tcm_app.extensions import db, limiter
from tcm_app.models.accounts import Role
from tcm_app.services import access
from tcm_app.services.storage import storage
from tcm_app.views.guards import roles_required
from tcm_app.views.helpers import apply_errors, flash_error
from tcm_app.views.responses import file_response

PARTICIPANTS = (Role.PATIENT, Role.DOCTOR)
# Writing is rate-limited per address: a stuck key or a script cannot flood a doctor's thread.
MESSAGE_LIMIT = "20 per minute"


@bp.app_context_processor
def thread_helpers() -> dict:
    return {"text_consult_of": threads.thread_of, "open_text_consults_for": threads.open_for_doctor}


@bp.route("/<int:encounter_id>/thread", methods=["GET", "POST"])
@roles_required(*PARTICIPANTS)
@limiter.limit(MESSAGE_LIMIT, methods=["POST"])
def thread(encounter_id: int):
    encounter = access.visible_encounter(current_user, encounter_id)
    threads.require_participant(encounter, current_user)
    form = ThreadMessageForm()

    def render(status: int):
        return render_template(
            "consults/thread.html", encounter=encounter, form=form,
            thread=threads.thread_of(encounter), messages=threads.messages(encounter),
            doctor_side=current_user.id == encounter.doctor_id,
        ), status  # fmt: skip

    if request.method == "GET":
        return render(200)
    if not form.validate_on_submit():
        return render(400)
    try:
        threads.post_message(
            encounter, current_user, form.text.data or "", _file(form.photo), _file(form.voice)
        )
        db.session.commit()
    except TCMError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return render(exc.status)
    return redirect(url_for("consults.thread", encounter_id=encounter.id) + "#latest")


def _file(field) -> bytes | None:
    upload = field.data
    return upload.read() if upload and upload.filename else None


@bp.route("/<int:encounter_id>/chat/voice/<int:message_id>")
@roles_required(*PARTICIPANTS)
def voice_note(encounter_id: int, message_id: int):
    encounter = access.visible_encounter(current_user, encounter_id)
    threads.require_participant(encounter, current_user)
    message = db.session.get(ChatMessage, message_id)
    if message is None or message.encounter_id != encounter.id or not message.audio_key:
        raise NotFoundError("no such voice note")
    data = storage().read(message.audio_key, calls.CHAT_FOLDER)
    return file_response(data, message.audio_mime, f"voice-{message.id}", inline=True)


@bp.route("/<int:encounter_id>/thread/open", methods=["POST"])
@roles_required(Role.PATIENT)
def thread_open(encounter_id: int):
    encounter = access.visible_encounter(current_user, encounter_id)
    try:
        threads.open_thread(encounter, current_user)
        db.session.commit()
    except TCMError as exc:
        db.session.rollback()
        flash_error(exc)
        return redirect(url_for("core.encounter_view", encounter_id=encounter.id))
    return redirect(url_for("consults.thread", encounter_id=encounter.id))


@bp.route("/<int:encounter_id>/thread/close", methods=["POST"])
@roles_required(Role.DOCTOR)
def thread_close(encounter_id: int):
    encounter = access.visible_encounter(current_user, encounter_id)
    try:
        threads.close_by_doctor(encounter, current_user)
        db.session.commit()
        flash(_("The text consult is closed."))
    except TCMError as exc:
        db.session.rollback()
        flash_error(exc)
    return redirect(url_for("consults.thread", encounter_id=encounter.id))
