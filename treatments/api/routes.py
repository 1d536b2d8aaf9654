"""In-person treatments over the API: therapies, availability and bookings."""

import re
from datetime import UTC, date, datetime, timedelta

from flask import Blueprint, current_app, g, jsonify, request
from flask_login import current_user

from tcm_app.api.blueprint import api_roles, load_json
from tcm_app.api.lists import choice_arg, list_response, paged, refuse_arg
from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.types import utcnow
from treatments.api.schemas import (
    STATUSES,
    THERAPY_CODE,
    BookingCancelSchema,
    BookingRequestSchema,
    BookingRescheduleSchema,
    BookingSchema,
    TherapySchema,
    TreatmentSlotSchema,
)
from treatments.models import Booking
from treatments.services import access, availability, bookings, moves
from treatments.services.catalogue import active_therapies, practitioners_for, therapy_by_code
from treatments.services.catalogue import practitioner as find_practitioner

# Nested under the core API (/api/v1) by setup.py; its endpoints are api.treatments.<name>.
bp = Blueprint("treatments", __name__)

BOOKERS = (Role.PATIENT, *access.DESK)
READERS = (Role.PATIENT, *access.STAFF)
MAX_LISTED = 200
YEARS = (2000, 2999)  # outside this, a date is a typo (and date arithmetic could overflow)
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ID = re.compile(r"[0-9]{1,10}")


def parse_moment(raw: str, name: str = "start") -> datetime:
    """ISO 8601 → aware UTC; a time without an offset is the clinic's local time."""
    try:
        moment = datetime.fromisoformat(raw)
        moment = availability.to_utc(moment) if moment.tzinfo is None else moment
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        refuse_arg(name, "invalid", f"{name} is not an ISO 8601 date and time")
    if not YEARS[0] <= moment.year <= YEARS[1]:
        refuse_arg(name, "out_of_range", f"{name} is out of range")
    return moment


def _date_arg(name: str) -> date:
    raw = request.args.get(name)
    if not raw:
        refuse_arg(name, "required", f"give {name}=YYYY-MM-DD")
    try:
        day = date.fromisoformat(raw) if DATE.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None or not YEARS[0] <= day.year <= YEARS[1]:
        refuse_arg(name, "invalid", f"{name} must be a date as YYYY-MM-DD")
    return day


def _id_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if not ID.fullmatch(raw) or not 1 <= int(raw) <= 2**31 - 1:
        refuse_arg(name, "invalid", f"{name} must be a positive whole number")
    return int(raw)


def _therapy_arg():
    code = request.args.get("therapy")
    if not code:
        refuse_arg("therapy", "required", "give therapy=CODE (see /treatments/therapies)")
    if len(code) > 40 or not re.fullmatch(THERAPY_CODE.regex, code):
        refuse_arg("therapy", "invalid", "therapy must be a therapy code")
    return therapy_by_code(code)


def _qualified_practitioner(therapy, practitioner_id: int | None) -> int | None:
    if practitioner_id is None:
        return None
    found = find_practitioner(practitioner_id)
    if therapy.qualification not in (found.qualifications or ()):
        qualified = [str(p.user_id) for p in practitioners_for(therapy)]
        raise ValidationError(
            f"{found.user.full_name} is not qualified for {therapy.name}",
            "not_qualified",
            {"practitioner_id": qualified},
        )
    return practitioner_id


def _searching_for() -> int | None:
    """Whose own bookings to leave out: the calling patient's (or their ward's); the desk's
    named patient; nobody's for others."""
    patient_id = _id_arg("patient_id")
    if current_user.role == Role.PATIENT or patient_id is not None:
        return access.patient_to_book_for(current_user, patient_id).id
    return None


@bp.route("/treatments/therapies")
@api_roles(*Role)
@paged(MAX_LISTED)
def treatment_therapies():
    """The bookable therapies with their length, price and booking screening questions.
    ---
    get:
      summary: List therapies (针灸, 推拿, 拔罐 …)
      responses:
        200:
          content:
            application/json:
              schema: TherapyListSchema
    """
    return list_response(TherapySchema(), g.page.of_list(active_therapies()))


@bp.route("/treatments/availability")
@api_roles(*READERS)
def treatment_availability():
    """Free starts for a therapy between two clinic dates, optionally with one practitioner.
    A patient's own bookings are left out (no two at once); the desk may name `patient_id`.
    ---
    get:
      summary: Search free treatment slots
      parameters:
        - {in: query, name: therapy, required: true, schema: {type: string, maxLength: 40}}
        - {in: query, name: from, required: true, schema: {type: string, format: date}}
        - {in: query, name: to, required: true, schema: {type: string, format: date}}
        - {in: query, name: practitioner_id, schema: {type: integer, minimum: 1}}
        - {in: query, name: patient_id, schema: {type: integer, minimum: 1}}
      responses:
        200:
          content:
            application/json:
              schema: TreatmentSlotListSchema
    """
    therapy = _therapy_arg()
    first, last = _date_arg("from"), _date_arg("to")
    availability.check_range(first, last)
    practitioner_id = _qualified_practitioner(therapy, _id_arg("practitioner_id"))
    patient_id = _searching_for()
    now = utcnow()
    horizon = now + timedelta(days=current_app.config["TREATMENT_BOOKING_DAYS"])
    slots = availability.free_slots(therapy, first, last, practitioner_id, patient_id, now)
    return list_response(TreatmentSlotSchema(), [s for s in slots if s.starts_at <= horizon])


@bp.route("/bookings", methods=["POST"])
@api_roles(*BOOKERS)
def booking_create():
    """Book one session: for the calling patient (or a ward), or by the desk for `patient_id`.
    409 when the place is gone (`slot_taken`, `patient_busy`) with `fields.alternatives`.
    ---
    post:
      summary: Book a treatment
      requestBody:
        required: true
        content:
          application/json:
            schema: BookingRequestSchema
      responses:
        201:
          content:
            application/json:
              schema: BookingSchema
    """
    body = load_json(BookingRequestSchema())
    if current_user.role in access.DESK and body.get("patient_id") is None:
        raise ValidationError(
            "name the patient to book for", "patient_required", {"patient_id": ["required"]}
        )
    therapy = therapy_by_code(body["therapy"])
    patient = access.patient_to_book_for(current_user, body.get("patient_id"))
    wanted = bookings.Request(
        therapy, parse_moment(body["start"]), body["practitioner_id"], body["answers"]
    )
    booking = bookings.book(current_user, patient, wanted)
    db.session.commit()
    return jsonify(BookingSchema().dump(booking)), 201


@bp.route("/bookings")
@api_roles(*READERS)
@paged(MAX_LISTED)
def bookings_list():
    """The bookings the caller may see, latest start first.
    ---
    get:
      summary: List bookings
      parameters:
        - {in: query, name: status, schema: {type: string, enum: [booked, checked_in, completed, cancelled, no_show]}}
      responses:
        200:
          content:
            application/json:
              schema: BookingListSchema
    """  # noqa: E501
    status = choice_arg("status", STATUSES)
    query = access.bookings_query(current_user)
    if status:
        query = query.where(Booking.status == status)
    query = query.order_by(Booking.starts_at.desc(), Booking.id.desc())
    return list_response(BookingSchema(), db.session.scalars(g.page.of_statement(query)))


@bp.route("/bookings/<int:booking_id>")
@api_roles(*READERS)
def booking_detail(booking_id: int):
    """One booking the caller may see (404 for anyone else's).
    ---
    get:
      summary: Read a booking
      responses:
        200:
          content:
            application/json:
              schema: BookingSchema
    """
    return jsonify(BookingSchema().dump(access.visible_booking(current_user, booking_id)))


@bp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@api_roles(*BOOKERS)
def booking_cancel(booking_id: int):
    """Cancel with a reason; patients up to the cut-off before the start, the desk until it.
    ---
    post:
      summary: Cancel a booking
      requestBody:
        required: true
        content:
          application/json:
            schema: BookingCancelSchema
      responses:
        200:
          content:
            application/json:
              schema: BookingSchema
    """
    body = load_json(BookingCancelSchema())
    booking = access.visible_booking(current_user, booking_id)
    moves.cancel(current_user, booking, body["reason"])
    db.session.commit()
    return jsonify(BookingSchema().dump(booking))


@bp.route("/bookings/<int:booking_id>/reschedule", methods=["POST"])
@api_roles(*BOOKERS)
def booking_reschedule(booking_id: int):
    """Move a booking to another free start (optionally with another practitioner).
    ---
    post:
      summary: Reschedule a booking
      requestBody:
        required: true
        content:
          application/json:
            schema: BookingRescheduleSchema
      responses:
        200:
          content:
            application/json:
              schema: BookingSchema
    """
    body = load_json(BookingRescheduleSchema())
    booking = access.visible_booking(current_user, booking_id)
    starts_at = parse_moment(body["start"])
    moves.reschedule(current_user, booking, starts_at, body.get("practitioner_id"))
    db.session.commit()
    return jsonify(BookingSchema().dump(booking))
