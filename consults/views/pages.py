"""Video consult pages: the call page (waiting room for the patient), start and end, chat images,
and the signaling WebSocket (authenticated by a short-lived room token bound to the user)."""

import json
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
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

from consults.forms import BookingForm, ExceptionForm, SessionForm, SlotForm
from consults.models import ChatMessage, ConsultException, ConsultSession
from consults.services import booking, call_back, calls, recording
from consults.services.hub import current_hub
from consults.socket import chat_json, serve, user_json
from tcm_app.common.errors import NotFoundError, TCMError, ValidationError
from tcm_app.extensions import db, sock
from tcm_app.labels import error_message, label
from tcm_app.models.accounts import Role, User
from tcm_app.services import access
from tcm_app.services.audit import record_refusal
from tcm_app.services.storage import storage
from tcm_app.views.errors import wants_json
from tcm_app.views.guards import public, roles_required
from tcm_app.views.helpers import apply_errors, flash_error
from tcm_app.views.patients import visit_request_form
from tcm_app.views.recovery import recent_sign_in_required

# Its scripts are served from <domain>/static at /consults/static/ (endpoint consults.static).
bp = Blueprint(
    "consults",
    __name__,
    url_prefix="/consults",
    static_folder=Path(__file__).resolve().parent.parent / "static",  # consults/static
)
PARTICIPANTS = (Role.DOCTOR, Role.PATIENT)


@bp.app_context_processor
def consult_helpers() -> dict:
    """Template functions for the pages that show consult pieces (encounter page, workbench)."""

    def timeline_for(encounter):
        if current_user.role not in PARTICIPANTS:
            return []
        return calls.timeline(encounter)

    return {
        "consult_timeline_for": timeline_for,
        "waiting_patients_for": calls.waiting_patients,
        "consult_when_for": lambda encounter: consult_when(booking.active_booking(encounter)),
    }


def consult_when(made) -> str:
    """A booked consult's date, weekday and time in the clinic's zone ("" without a booking)."""
    if made is None:
        return ""
    zone = booking.clinic_zone()
    start, end = made.starts_at.astimezone(zone), made.ends_at.astimezone(zone)
    weekday = label("weekday_" + str(start.weekday()))
    return f"{start:%Y-%m-%d} {weekday} {start:%H:%M}–{end:%H:%M}"


@bp.before_request
def websocket_only():
    """The socket endpoint answers a plain HTTP request with a clear 400, not a crash."""
    upgrade = request.headers.get("Upgrade", "").lower()
    if request.endpoint == "consults.consult_socket" and upgrade != "websocket":
        abort(400)


def _encounter(encounter_id: int):
    return access.visible_encounter(current_user, encounter_id)


@bp.route("/schedule", methods=["GET", "POST"])
@roles_required(Role.DOCTOR)
def schedule():
    """The doctor's weekly online sessions and the days that differ."""
    session_form, exception_form = SessionForm(prefix="s"), ExceptionForm(prefix="x")
    status = 200
    if request.method == "POST":
        status = _schedule_post(session_form, exception_form)
        if status == 302:
            return redirect(url_for("consults.schedule"))
    return render_template(
        "consults/schedule.html",
        session_form=session_form,
        exception_form=exception_form,
        sessions=db.session.scalars(
            db.select(ConsultSession)
            .where(ConsultSession.doctor_id == current_user.id, ConsultSession.active)
            .order_by(ConsultSession.weekday, ConsultSession.start_time)
        ).all(),
        exceptions=db.session.scalars(
            db.select(ConsultException)
            .where(ConsultException.doctor_id == current_user.id)
            .order_by(ConsultException.day)
        ).all(),
        upcoming=booking.free_slots(current_user, days=7),
    ), status


def _schedule_post(session_form, exception_form) -> int:
    action = request.form.get("action")
    try:
        if action == "add_session" and session_form.validate():
            booking.add_session(
                current_user,
                session_form.weekday.data,
                session_form.start_time.data,
                session_form.end_time.data,
                session_form.slot_minutes.data,
            )
        elif action == "add_exception" and exception_form.validate():
            data = exception_form
            booking.add_exception(
                current_user,
                data.day.data,
                data.closed.data,
                data.start_time.data,
                data.end_time.data,
                data.slot_minutes.data,
            )
        elif action == "remove_session" and request.form.get("session_id", "").isdigit():
            booking.remove_session(current_user, int(request.form["session_id"]))
        else:
            return 422
    except TCMError as exc:
        apply_errors(session_form if action == "add_session" else exception_form, exc)
        return exc.status
    db.session.commit()
    flash(_("Schedule saved."))
    return 302


@bp.route("/book", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def book():
    """Book a slot of an online consult session: for a visit already requested
    (`?encounter_id=`), or with a new request (a follow-up needs the prior-diagnosis proof)."""
    encounter = _requested_visit()
    form = _slot_form(encounter) if encounter is not None else _booking_form()
    if request.method == "POST" and form.validate():
        try:
            made = _book(form, encounter)
        except TCMError as exc:
            db.session.rollback()
            encounter = _requested_visit()
            form = _slot_form(encounter) if encounter is not None else _booking_form()
            apply_errors(form, exc)
            return _book_page(form, encounter), exc.status
        db.session.commit()
        when = consult_when(made)
        flash(
            _("Booked for %(when)s. Upload your records of the prior diagnosis below.", when=when)
        )
        return redirect(url_for("core.encounter_view", encounter_id=made.encounter_id))
    return _book_page(form, encounter), 422 if form.errors else 200


def _book_page(form, encounter):
    waiting = [] if encounter else booking.unbooked_requests(access.encounters_query(current_user))
    return render_template("consults/book.html", form=form, encounter=encounter, waiting=waiting)


def _requested_visit():
    encounter_id = request.values.get("encounter_id", type=int)
    return _encounter(encounter_id) if encounter_id else None


def _book(form, encounter):
    from datetime import datetime

    try:
        starts_at = datetime.fromisoformat(form.slot.data)
    except ValueError as exc:
        raise ValidationError("choose a time", fields={"slot": ["invalid"]}) from exc
    if encounter is not None:
        patient, doctor = encounter.patient, encounter.doctor
        return booking.book(current_user, patient, doctor, starts_at, "", "", encounter=encounter)
    patient = access.visible_patient(current_user, form.patient_id.data)
    doctor = db.session.get(User, form.doctor_id.data)
    return booking.book(
        current_user,
        patient,
        doctor,
        starts_at,
        form.kind.data,
        form.chief_complaint.data,
    )


def _slot_form(encounter) -> SlotForm:
    form = SlotForm()
    form.encounter_id.data = str(encounter.id)
    form.slot.choices = _slot_choices(encounter.doctor)
    return form


def _booking_form() -> BookingForm:
    base = visit_request_form()
    form = BookingForm()
    form.patient_id.choices, form.kind.choices = base.patient_id.choices, base.kind.choices
    form.doctor_id.choices = base.doctor_id.choices
    doctor_id = request.values.get("doctor_id", type=int) or (
        form.doctor_id.choices[0].value if form.doctor_id.choices else None
    )
    form.doctor_id.data = form.doctor_id.data or doctor_id
    doctor = db.session.get(User, doctor_id) if doctor_id else None
    form.slot.choices = _slot_choices(doctor) if doctor else []
    return form


def _slot_choices(doctor) -> dict:
    """Free slots grouped by local day (select option groups); each option reads date and time."""
    grouped: dict[str, list] = {}
    zone = booking.clinic_zone()
    days: dict[date, str] = {}  # each day's heading, written once (a day has dozens of slots)
    for slot in booking.free_slots(doctor):
        local = slot.starts_at.astimezone(zone)
        day = days.get(local.date())
        if day is None:
            day = days[local.date()] = (
                f"{local:%Y-%m-%d} {label('weekday_' + str(local.weekday()))}"
            )
        grouped.setdefault(day, []).append((slot.starts_at.isoformat(), f"{day} {local:%H:%M}"))
    return grouped


@bp.route("/<int:encounter_id>/call")
@roles_required(*PARTICIPANTS)
@recent_sign_in_required(roles={Role.DOCTOR})
def call_page(encounter_id: int):
    encounter = _encounter(encounter_id)
    if current_user.role == Role.PATIENT and not booking.waiting_room_open(encounter):
        when = consult_when(encounter.booking)
        flash(_("The waiting room opens 15 minutes before your booked time, %(when)s.", when=when))
        return redirect(url_for("core.encounter_view", encounter_id=encounter_id))
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
    # Werkzeug builds WebSocket rules as absolute ws:// or wss:// URLs on the request's host.
    return url_for("consults.consult_socket", encounter_id=encounter_id, token=token)


@bp.route("/<int:encounter_id>/room-token", methods=["POST"])
@roles_required(*PARTICIPANTS)
def room_token(encounter_id: int):
    """A fresh room token for the call page's next socket, through the signed-in session (the
    page never holds a long-lived token). Refused as JSON once the call ended or for outsiders."""
    encounter = _encounter(encounter_id)
    token = calls.room_token(encounter, current_user)
    response = jsonify(
        {
            "ws_url": _ws_url(encounter_id, token),
            "expires_in": current_app.config["CONSULT_ROOM_TOKEN_SECONDS"],
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:encounter_id>/start", methods=["POST"])
@roles_required(Role.DOCTOR)
@recent_sign_in_required(
    back=lambda encounter_id: url_for("core.encounter_view", encounter_id=encounter_id)
)
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
    current_hub().publish(encounter_id, {"type": "hangup", "by": user_json(current_user)})
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
    try:
        message = calls.add_chat_image(encounter, current_user, upload.read())
    except TCMError as exc:  # the call page shows the message as it is: in the page's language
        exc.message = error_message(exc.code, exc.message, exc.params)
        raise
    db.session.commit()
    payload = chat_json(message)
    current_hub().publish(encounter_id, payload)
    return jsonify(payload), 201


@bp.route("/<int:encounter_id>/chat/images/<int:message_id>")
@roles_required(*PARTICIPANTS)
def chat_image(encounter_id: int, message_id: int):
    encounter = _encounter(encounter_id)
    message = db.session.get(ChatMessage, message_id)
    if message is None or message.encounter_id != encounter.id or not message.image_key:
        raise NotFoundError("no such image")
    path = storage().local_path(message.image_key, calls.CHAT_FOLDER)
    response = send_file(path, mimetype=message.image_mime)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:encounter_id>/recording-consent", methods=["POST"])
@roles_required(Role.PATIENT)
def recording_consent(encounter_id: int):
    encounter = _encounter(encounter_id)
    consent = request.form.get("consent") == "yes"
    try:
        recording.record_consent(encounter, current_user, consent)
    except TCMError as exc:
        flash_error(exc)
        return redirect(url_for("consults.call_page", encounter_id=encounter_id))
    db.session.commit()
    state = "consented" if consent else "declined"
    current_hub().publish(encounter_id, {"type": "recording", "state": state})
    return redirect(url_for("consults.call_page", encounter_id=encounter_id))


@bp.route("/<int:encounter_id>/recording", methods=["POST"])
@roles_required(Role.DOCTOR)
def recording_chunk(encounter_id: int):
    """One piece of the recording from the doctor's browser (MediaRecorder, WebM)."""
    encounter = _encounter(encounter_id)
    made = recording.append_chunk(
        encounter, current_user, request.get_data(), request.args.get("first") == "1"
    )
    db.session.commit()
    return jsonify({"id": made.id, "size_bytes": made.size_bytes})


@sock.route("/<int:encounter_id>/ws", bp=bp)
@public  # authenticated by the room token (bound to one user and this consult), not the session
def consult_socket(ws, encounter_id: int):
    serve(ws, encounter_id, request.args.get("token", ""), request.args.get("page", ""))


@bp.app_context_processor
def call_back_helpers() -> dict:
    """For the workbench: the doctor's calls whose patient dropped out (see call_back)."""
    return {"broken_calls_for": call_back.broken_calls}


@bp.route("/<int:encounter_id>/call-back", methods=["POST"])
@roles_required(Role.DOCTOR)
def call_back_patient(encounter_id: int):
    """The doctor asks the patient back into a broken call (a message to the phone). From the
    workbench: on to the call page, or back with the reason. From the call page (fetch, JSON):
    the outcome in Chinese, and the doctor stays in the call."""
    encounter = _encounter(encounter_id)
    try:
        call_back.call_back(encounter, current_user)
    except TCMError as exc:
        db.session.rollback()
        if wants_json():
            record_refusal(exc)
            body = {"error": {"code": exc.code, "message": error_message(exc.code, exc.message)}}
            return jsonify(body), exc.status
        flash_error(exc)
        return redirect(url_for("core.workbench"))
    db.session.commit()
    message = _("The patient was asked to come back to the consult.")
    if wants_json():
        return jsonify({"message": message})
    flash(message)
    return redirect(url_for("consults.call_page", encounter_id=encounter_id))
