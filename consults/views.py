"""Video consult pages: the call page (waiting room for the patient), start and end, chat images,
and the signaling WebSocket (authenticated by a short-lived room token bound to the user)."""

import json

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from consults.models import ChatMessage
from consults.services import calls, signaling
from tcm_app.common.errors import NotFoundError, TCMError, ValidationError
from tcm_app.extensions import db, sock
from tcm_app.models.accounts import Role
from tcm_app.services import access
from tcm_app.views.guards import public, roles_required
from tcm_app.views.helpers import flash_error

bp = Blueprint("consults", __name__, url_prefix="/consults")
PARTICIPANTS = (Role.DOCTOR, Role.PATIENT)


@bp.app_context_processor
def consult_helpers() -> dict:
    """Template functions for the pages that show consult pieces (encounter page, workbench)."""

    def timeline_for(encounter):
        if current_user.role not in PARTICIPANTS:
            return []
        return calls.timeline(encounter)

    return {"consult_timeline_for": timeline_for, "waiting_patients_for": calls.waiting_patients}


@bp.before_request
def websocket_only():
    """The socket endpoint answers a plain HTTP request with a clear 400, not a crash."""
    upgrade = request.headers.get("Upgrade", "").lower()
    if request.endpoint == "consults.consult_socket" and upgrade != "websocket":
        abort(400)


def _encounter(encounter_id: int):
    return access.visible_encounter(current_user, encounter_id)


@bp.route("/<int:encounter_id>/call")
@roles_required(*PARTICIPANTS)
def call_page(encounter_id: int):
    encounter = _encounter(encounter_id)
    try:
        call = calls.enter_waiting_room(encounter, current_user)
        token = calls.room_token(encounter, current_user)
    except TCMError as exc:
        flash_error(exc)
        return redirect(url_for("core.encounter_view", encounter_id=encounter_id))
    db.session.commit()
    return render_template(
        "consults/call.html",
        encounter=encounter,
        call=call,
        ws_url=_ws_url(encounter_id, token),
        ice_servers=json.dumps(calls.ice_servers(current_user)),
        polite=current_user.role != Role.DOCTOR,
    )


def _ws_url(encounter_id: int, token: str) -> str:
    scheme = "wss" if request.scheme == "https" else "ws"
    path = url_for("consults.consult_socket", encounter_id=encounter_id, token=token)
    return f"{scheme}://{request.host}{path}"


@bp.route("/<int:encounter_id>/start", methods=["POST"])
@roles_required(Role.DOCTOR)
def call_start(encounter_id: int):
    encounter = _encounter(encounter_id)
    try:
        calls.start_call(encounter, current_user)
    except TCMError as exc:
        flash_error(exc)
        return redirect(url_for("core.encounter_view", encounter_id=encounter_id))
    db.session.commit()
    return redirect(url_for("consults.call_page", encounter_id=encounter_id))


@bp.route("/<int:encounter_id>/end", methods=["POST"])
@roles_required(*PARTICIPANTS)
def call_end(encounter_id: int):
    encounter = _encounter(encounter_id)
    calls.end_call(encounter, current_user)
    db.session.commit()
    signaling.hub().publish(
        encounter_id, {"type": "hangup", "by": signaling.user_json(current_user)}
    )
    flash(_("The video consult has ended."))
    return redirect(url_for("core.encounter_view", encounter_id=encounter_id))


@bp.route("/<int:encounter_id>/chat/images", methods=["POST"])
@roles_required(*PARTICIPANTS)
def chat_image_upload(encounter_id: int):
    """Multipart `image`; answers JSON (the call page uploads it with fetch)."""
    encounter = _encounter(encounter_id)
    upload = request.files.get("image")
    if upload is None:
        raise ValidationError("choose an image", fields={"image": ["required"]})
    message = calls.add_chat_image(encounter, current_user, upload.read())
    db.session.commit()
    payload = signaling.chat_json(message)
    signaling.hub().publish(encounter_id, payload)
    return jsonify(payload), 201


@bp.route("/<int:encounter_id>/chat/images/<int:message_id>")
@roles_required(*PARTICIPANTS)
def chat_image(encounter_id: int, message_id: int):
    encounter = _encounter(encounter_id)
    message = db.session.get(ChatMessage, message_id)
    if message is None or message.encounter_id != encounter.id or not message.image_key:
        raise NotFoundError("no such image")
    response = send_file(calls.chat_image_path(message.image_key), mimetype=message.image_mime)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@sock.route("/<int:encounter_id>/ws", bp=bp)
@public  # authenticated by the room token (bound to one user and this consult), not the session
def consult_socket(ws, encounter_id: int):
    signaling.serve(ws, encounter_id, request.args.get("token", ""))
