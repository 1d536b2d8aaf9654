"""Video consult over the API: a room token, the socket address and ICE servers for a mobile app;
free consult slots, booking (onto the follow-up already requested) and cancelling; a phone call
instead of the video consult (电话问诊): the patient asks, the treating doctor records the call."""

import re
from datetime import UTC, date, datetime, timedelta

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from consults import slots
from consults.api.schemas import (
    ConsultBookingRequestSchema,
    ConsultBookingSchema,
    ConsultSlotSchema,
    PhoneConsultSchema,
    PhoneRecordRequestSchema,
    RoomSchema,
)
from consults.models import ConsultBooking
from consults.services import booking, calls, phone
from consults.services.booking import clinic_zone
from tcm_app.api.blueprint import api_roles, load_json
from tcm_app.api.lists import list_response, paged, refuse_arg
from tcm_app.common.errors import NotFoundError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.services import access
from tcm_app.services.clock import clinic_today

# Nested under the core API (/api/v1) by setup.py; its endpoints are api.consults.<name>.
bp = Blueprint("consults", __name__)


@bp.route("/encounters/<int:encounter_id>/consult-room", methods=["POST"])
@api_roles(Role.DOCTOR, Role.PATIENT)
def consult_room(encounter_id: int):
    """Join the video consult: a short-lived room token and where to open the signaling socket.
    ---
    post:
      summary: Get a room token for the video consult
      responses:
        200:
          content:
            application/json:
              schema: RoomSchema
    """
    encounter = access.visible_encounter(current_user, encounter_id)
    calls.enter_waiting_room(encounter, current_user)
    token = calls.room_token(encounter, current_user)
    db.session.commit()
    # Werkzeug builds WebSocket rules as absolute ws:// or wss:// URLs on the request's host.
    ws_url = url_for("consults.consult_socket", encounter_id=encounter_id, token=token)
    room = {
        "token": token,
        "expires_in": current_app.config["CONSULT_ROOM_TOKEN_SECONDS"],
        "ws_url": ws_url,
        "ping_seconds": current_app.config["CONSULT_PING_SECONDS"],
        "idle_seconds": current_app.config["CONSULT_IDLE_SECONDS"],
        "ice_servers": calls.ice_servers(current_user),
        "polite": current_user.role != Role.DOCTOR,
    }
    return jsonify(RoomSchema().dump(room))


# Consult slots and bookings: what the booking page offers, for a hospital's mobile app.
BOOKING_READERS = (Role.PATIENT, Role.DOCTOR)
SLOT_READERS = (Role.PATIENT, Role.DOCTOR, Role.CLINIC)
MAX_BOOKINGS_LISTED = 200
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ID = re.compile(r"[0-9]{1,10}")


def _day_arg(name: str, default: date) -> date:
    raw = request.args.get(name)
    if not raw:
        return default
    try:
        day = date.fromisoformat(raw) if DAY.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2999:
        refuse_arg(name, "invalid", f"{name} must be a date as YYYY-MM-DD")
    return day


def _online_doctor(doctor_id) -> User:
    doctor = db.session.get(User, doctor_id) if doctor_id else None
    profile = doctor.doctor_profile if doctor is not None and doctor.role == Role.DOCTOR else None
    if profile is None or not profile.online_enabled or not doctor.active:
        raise NotFoundError("no such doctor online", "doctor_not_found")
    return doctor


def _moment(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=clinic_zone())
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        refuse_arg("start", "invalid", "start is not an ISO 8601 date and time")


def _visible_booking(user, booking_id: int) -> ConsultBooking:
    made = db.session.get(ConsultBooking, booking_id)
    if made is None:
        raise NotFoundError("consult booking not found")
    access.visible_encounter(user, made.encounter_id)  # 404 for anyone else's
    return made


@bp.route("/consults/slots")
@api_roles(*SLOT_READERS)
def consult_slots():
    """A doctor's free video-consult slots between two clinic dates (default: the next 14 days).
    ---
    get:
      summary: List free consult slots
      parameters:
        - {in: query, name: doctor_id, required: true, schema: {type: integer, minimum: 1}}
        - {in: query, name: from, schema: {type: string, format: date}}
        - {in: query, name: to, schema: {type: string, format: date}}
      responses:
        200:
          content:
            application/json:
              schema: ConsultSlotListSchema
    """
    raw = request.args.get("doctor_id", "")
    if not ID.fullmatch(raw):
        refuse_arg("doctor_id", "required", "give doctor_id, a positive whole number")
    doctor = _online_doctor(int(raw))
    first = _day_arg("from", clinic_today())
    last = _day_arg("to", first + timedelta(days=booking.BOOKING_DAYS - 1))
    if last < first:
        refuse_arg("to", "before_from", "to is before from")
    days = (last - first).days + 1
    if days > slots.MAX_DAYS:
        refuse_arg("to", "range_too_long", f"at most {slots.MAX_DAYS} days at once")
    free = booking.free_slots(doctor, first, days)
    return list_response(ConsultSlotSchema(doctor_id=doctor.id), free)


@bp.route("/consults/bookings", methods=["POST"])
@api_roles(Role.PATIENT)
def consult_book():
    """Book a free slot for the follow-up already requested (`encounter_id`, or the open request
    with this doctor), or with a new request (`kind`, `chief_complaint`). 409 `slot_taken`.
    ---
    post:
      summary: Book a video consult
      requestBody:
        required: true
        content:
          application/json:
            schema: ConsultBookingRequestSchema
      responses:
        201:
          content:
            application/json:
              schema: ConsultBookingSchema
    """
    body = load_json(ConsultBookingRequestSchema())
    doctor = _online_doctor(body["doctor_id"])
    encounter = None
    if body.get("encounter_id") is not None:
        encounter = access.visible_encounter(current_user, body["encounter_id"])
        patient = encounter.patient
    else:
        own = access.own_patient_ids(current_user)
        patient_id = body.get("patient_id") or (own[0] if own else 0)
        # 404 outside the caller's family
        patient = access.visible_patient(current_user, patient_id)
    made = booking.book(
        current_user,
        patient,
        doctor,
        _moment(body["start"]),
        body.get("kind", "online_followup"),
        body.get("chief_complaint", ""),
        encounter=encounter,
    )
    db.session.commit()
    return jsonify(ConsultBookingSchema().dump(made)), 201


@bp.route("/consults/bookings")
@api_roles(*BOOKING_READERS)
@paged(MAX_BOOKINGS_LISTED)
def consult_bookings():
    """The caller's consult bookings (a patient's own and wards', a doctor's), latest first.
    ---
    get:
      summary: List consult bookings
      responses:
        200:
          content:
            application/json:
              schema: ConsultBookingListSchema
    """
    visible = access.encounters_query(current_user).with_only_columns(Encounter.id)
    statement = (
        select(ConsultBooking)
        .where(ConsultBooking.encounter_id.in_(visible))
        .order_by(ConsultBooking.starts_at.desc(), ConsultBooking.id.desc())
        # each booking names its doctor and its phone consult: one query for them all
        .options(
            joinedload(ConsultBooking.encounter).joinedload(Encounter.doctor),
            joinedload(ConsultBooking.encounter).selectinload(Encounter.phone_events),
        )
    )
    return list_response(ConsultBookingSchema(), db.session.scalars(g.page.of_statement(statement)))


@bp.route("/consults/bookings/<int:consult_booking_id>")
@api_roles(*BOOKING_READERS)
def consult_booking_detail(consult_booking_id: int):
    """One consult booking the caller may see (404 for anyone else's).
    ---
    get:
      summary: Read a consult booking
      responses:
        200:
          content:
            application/json:
              schema: ConsultBookingSchema
    """
    return jsonify(ConsultBookingSchema().dump(_visible_booking(current_user, consult_booking_id)))


@bp.route("/consults/bookings/<int:consult_booking_id>/cancel", methods=["POST"])
@api_roles(Role.PATIENT)
def consult_booking_cancel(consult_booking_id: int):
    """Cancel a booked consult before it starts: the visit request is cancelled, the slot freed.
    ---
    post:
      summary: Cancel a consult booking
      responses:
        200:
          content:
            application/json:
              schema: ConsultBookingSchema
    """
    made = _visible_booking(current_user, consult_booking_id)
    booking.cancel_booking(made.encounter, current_user)
    db.session.commit()
    return jsonify(ConsultBookingSchema().dump(made))


# A phone call instead of the video consult (电话问诊): the same rules and refusals as the visit
# page (409 for the consult's state, 422 for an unknown outcome, 404 outside the caller's scope).
PHONE_PARTICIPANTS = (Role.DOCTOR, Role.PATIENT)


def _phone_answer(encounter_id: int, status: int = 200):
    """The visit's phone consult as the caller may see it, read with its events."""
    encounter = access.visible_encounter(
        current_user, encounter_id, selectinload(Encounter.phone_events)
    )
    return jsonify(PhoneConsultSchema().dump(phone.summary(encounter, current_user))), status


@bp.route("/encounters/<int:encounter_id>/phone-consult")
@api_roles(*PHONE_PARTICIPANTS)
def phone_consult_get(encounter_id: int):
    """The visit's phone consult: where it stands, the number, the calls recorded.
    ---
    get:
      summary: Read the phone consult of a visit
      responses:
        200:
          content:
            application/json:
              schema: PhoneConsultSchema
    """
    return _phone_answer(encounter_id)


@bp.route("/encounters/<int:encounter_id>/phone-consult", methods=["POST"])
@api_roles(Role.PATIENT)
def phone_consult_request(encounter_id: int):
    """Ask for a phone call instead of the booked video consult (once; the visit open and booked,
    its video call not ended). 409 `phone_already_requested`, `phone_not_booked`, ...
    ---
    post:
      summary: Ask for a phone call instead of video
      responses:
        201:
          content:
            application/json:
              schema: PhoneConsultSchema
    """
    encounter = access.visible_encounter(current_user, encounter_id)
    phone.request_phone(encounter, current_user)
    db.session.commit()
    return _phone_answer(encounter_id, 201)


@bp.route("/encounters/<int:encounter_id>/phone-consult/calls", methods=["POST"])
@api_roles(Role.DOCTOR)
def phone_consult_record(encounter_id: int):
    """The treating doctor records the call: started, then ended; or not_reached (try again
    later). 409 out of order, 422 `phone_unknown_outcome`, 403 `not_treating_doctor`.
    ---
    post:
      summary: Record the phone call
      requestBody:
        required: true
        content:
          application/json:
            schema: PhoneRecordRequestSchema
      responses:
        200:
          content:
            application/json:
              schema: PhoneConsultSchema
    """
    body = load_json(PhoneRecordRequestSchema())
    encounter = access.visible_encounter(current_user, encounter_id)
    phone.record_call(encounter, current_user, body["outcome"])
    db.session.commit()
    return _phone_answer(encounter_id)
