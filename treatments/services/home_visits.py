"""Home visits (上门护理): free times at a patient's address, booking one from the patient's
address book, the practitioner's day route, and checking out at the door.

The database guarantee is the clinic's: a home visit holds its practitioner's cells over the
visit and the way there and back, and the patient's over the visit, so a clinic session or
another home visit can never fall inside that time, however many requests race."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.patients import Address, Patient
from tcm_app.models.types import utcnow
from tcm_app.services import transitions
from tcm_app.services.audit import record_audit
from treatments import booking_rules, home_visits
from treatments.booking_rules import BookingStatus
from treatments.models import Booking, Practitioner, Therapy
from treatments.services import availability, bookings
from treatments.services.catalogue import practitioners_for

ALTERNATIVES = 5
LOOK_AROUND_DAYS = 7  # a refused time: the nearest free ones from the day before to a week on


@dataclass(frozen=True)
class HomeRequest:
    therapy: Therapy
    address_id: int
    starts_at: datetime  # aware
    practitioner_id: int
    answers: dict  # the therapy's screening questions
    home_answers: dict  # someone_present, bed_space, pets


def service_area() -> home_visits.ServiceArea:
    area = home_visits.parse_area(current_app.config["TREATMENT_HOME_AREA"])
    return home_visits.ServiceArea(area)


def home_therapies() -> list[Therapy]:
    query = select(Therapy).where(Therapy.active, Therapy.home_available).order_by(Therapy.id)
    return list(db.session.scalars(query))


def home_therapy(code) -> Therapy:
    found = next((t for t in home_therapies() if t.code == code), None)
    if found is None:
        raise ValidationError(
            "this therapy is not offered at home", "not_home_therapy", {"therapy": ["invalid"]}
        )
    return found


def addresses_of(patient: Patient) -> list[Address]:
    query = select(Address).where(Address.patient_id == patient.id, Address.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(Address.is_default.desc(), Address.id)))


def address_of(patient: Patient, address_id) -> Address:
    found = next((a for a in addresses_of(patient) if str(a.id) == str(address_id)), None)
    if found is None:
        raise ValidationError(
            "choose one of your addresses", "unknown_address", {"address_id": ["unknown_address"]}
        )
    return found


def travel_to(address: Address) -> int:
    """Travel minutes to the address; refused outside the area, naming the districts served."""
    try:
        return service_area().travel_minutes(address.region)
    except home_visits.HomeVisitError as exc:
        refusal = exc.refusal(fields={"address_id": ["outside_service_area"]})
        refusal.params = {"districts": "、".join(exc.params["districts"]) or "—"}
        raise refusal from exc


def free_slots(
    therapy: Therapy,
    travel: int,
    first: date,
    last: date,
    practitioner_id=None,
    patient_id=None,
    now=None,
) -> list[home_visits.HomeSlot]:
    """Free home-visit starts (aware UTC), clinic dates inclusive. On plain numbers, as the
    clinic's search (availability.free_slots), so with no pause of the cyclic collector."""
    availability.check_range(first, last)
    now = now or utcnow()
    practitioners = [p for p in practitioners_for(therapy) if practitioner_id in (None, p.user_id)]
    if not practitioners or not therapy.home_minutes:
        return []
    ids = [p.user_id for p in practitioners]
    hours = availability._hours(ids, first, last)
    booked = availability.day_masks(ids, [], patient_id, first, last)
    zone, local_now, found = availability.clinic_zone(), availability.to_local(now), []
    for day, masks in zip(availability._days(first, last), booked, strict=True):
        day_start = datetime.combine(day, time())
        origin = availability._utc_midnight(zone, day)
        slots = home_visits.free_home_slots_in_day(
            therapy.home_minutes,
            travel,
            {pid: working.seconds(day) for pid, working in hours.items()},
            masks,
            (local_now - day_start).total_seconds(),
            origin or day_start,
        )
        if origin is None:  # a clock change that day: convert each
            slots = [
                home_visits.HomeSlot(
                    availability.to_utc(s.start), availability.to_utc(s.end), s.practitioner_id
                )
                for s in slots
            ]
        found += slots
    return found


def book(actor, patient: Patient, request: HomeRequest, now=None) -> Booking:
    """Book a home visit; flushes. Refusals say what is possible instead (districts served,
    the nearest times that fit)."""
    now = now or utcnow()
    therapy = request.therapy
    plain = bookings.Request(therapy, request.starts_at, request.practitioner_id, request.answers)
    result = bookings.screen_request(patient, plain, "booking")
    home = _screen_home(request.home_answers)
    address = address_of(patient, request.address_id)
    travel = travel_to(address)
    bookings.check_request(patient, plain, now)
    slot = _free_at(request, travel, patient.id, now)
    booking = _insert(actor, patient, request, address, travel, slot)
    record_audit(
        "treatment.book_home",
        "booking",
        booking.id,
        f"{therapy.code} at {request.starts_at.isoformat()}",
        {"outcome": result.outcome.value, "home": home.outcome},
        actor=actor,
    )
    bookings.record_screening(booking, "booking", request.answers, result, actor)
    if home.outcome == "flag":
        booking.screening_outcome = "flag"
    db.session.flush()
    return booking


def _screen_home(answers: dict) -> home_visits.HomeScreening:
    home = home_visits.screen_home(answers)
    if home.unanswered:
        raise ValidationError(
            "answer every home question",
            "screening_incomplete",
            {code: ["required"] for code in home.unanswered},
        )
    if home.outcome == "block":
        raise ValidationError(
            "a home visit needs another adult at home",
            "home_alone",
            {"someone_present": ["home_alone"]},
        )
    return home


def _free_at(request: HomeRequest, travel: int, patient_id: int, now) -> home_visits.HomeSlot:
    """The free slot at the asked start, or a refusal offering the nearest that fit."""
    day = availability.to_local(request.starts_at).date()
    free = free_slots(
        request.therapy,
        travel,
        max(day - timedelta(days=1), availability.to_local(now).date()),
        day + timedelta(days=LOOK_AROUND_DAYS),
        request.practitioner_id,
        patient_id,
        now,
    )
    match = next((s for s in free if s.starts_at == request.starts_at), None)
    if match is not None:
        return match
    raise ValidationError(
        "that time does not leave room for the travel there and back",
        "home_time_unavailable",
        {
            "start": ["home_time_unavailable"],
            "alternatives": [
                bookings.slot_json(s)
                for s in home_visits.nearest(free, request.starts_at, ALTERNATIVES)
            ],
        },
    )


def _insert(actor, patient, request: HomeRequest, address, travel, slot) -> Booking:
    booking = Booking(
        patient_id=patient.id,
        therapy_id=request.therapy.id,
        practitioner_id=request.practitioner_id,
        resource_id=None,
        place="home",
        address_id=address.id,
        travel_minutes=travel,
        home_answers=dict(request.home_answers),
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        status=BookingStatus.BOOKED,
        booked_by_id=actor.id,
    )
    db.session.add(booking)
    db.session.flush()
    hold_cells(booking)
    return booking


def hold_cells(booking: Booking) -> None:
    """The practitioner's cells over the visit and its travel, the patient's over the visit;
    a clash (a request that raced this one) is the same readable refusal."""
    leg = timedelta(minutes=booking.travel_minutes)
    rows = [
        (booking_rules.practitioner_holder(booking.practitioner_id), tick)
        for tick in booking_rules.ticks(booking.starts_at - leg, booking.ends_at + leg)
    ] + [
        (booking_rules.patient_holder(booking.patient_id), tick)
        for tick in booking_rules.ticks(booking.starts_at, booking.ends_at)
    ]
    if bookings.take_cells(booking, rows):
        raise ConflictError(
            "that time has just been taken; choose another",
            "home_time_unavailable",
            {"start": ["home_time_unavailable"]},
        )


# --- the practitioner's day ------------------------------------------------------------------


def route(practitioner_id: int, day: date) -> list[Booking]:
    """The practitioner's home visits that day in visit order (cancelled ones left out)."""
    start = availability.to_utc(datetime.combine(day, time()))
    end = availability.to_utc(datetime.combine(day + timedelta(days=1), time()))
    query = (
        select(Booking)
        .options(
            selectinload(Booking.address),
            selectinload(Booking.patient),
            selectinload(Booking.therapy),
            selectinload(Booking.screenings),
        )
        .where(
            Booking.practitioner_id == practitioner_id,
            Booking.place == "home",
            Booking.starts_at >= start,
            Booking.starts_at < end,
            Booking.status != BookingStatus.CANCELLED,
        )
        .order_by(Booking.starts_at, Booking.id)
    )
    return list(db.session.scalars(query))


def is_practitioner(user) -> bool:
    found = db.session.get(Practitioner, user.id)
    return found is not None and found.active


def check_out(actor, booking: Booking, now=None) -> Booking:
    """The practitioner leaves the home: the time is recorded once (a second click changes
    nothing). Only after checking in."""
    now = now or utcnow()
    if not booking.at_home:
        raise ConflictError("only a home visit is checked out", "not_home_visit")
    if actor.id != booking.practitioner_id:
        raise ConflictError("only the visiting practitioner checks out", "not_the_practitioner")
    if booking.status not in (BookingStatus.CHECKED_IN, BookingStatus.COMPLETED):
        raise ConflictError("check in at the door first", "not_checked_in")
    moved = transitions.move(
        booking,
        expected=booking.status,
        values={"checked_out_at": now},
        where=[Booking.checked_out_at.is_(None)],
    )
    if moved:
        record_audit("treatment.check_out", "booking", booking.id, "left the home", actor=actor)
    return booking
