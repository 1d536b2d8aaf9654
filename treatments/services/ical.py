"""A practitioner's treatment bookings as an iCalendar feed (RFC 5545, `icalendar` library) for
calendar apps, which cannot sign in: the address carries a secret token the practitioner can
reset. The feed leaves the hospital, so it carries masked names only, never an ID number."""

import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tcm_app.common.errors import NotFoundError
from tcm_app.common.masking import mask_name
from tcm_app.extensions import db
from tcm_app.services.audit import record_audit
from tcm_app.services.urls import public_url
from treatments.booking_rules import BookingStatus
from treatments.models import Booking, Practitioner
from treatments.services import calendar

DAYS_BACK, DAYS_AHEAD = 7, 60
# Kept in the feed so calendar apps that already hold the event drop it.
SHOWN = (
    BookingStatus.BOOKED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
    BookingStatus.CANCELLED,
)


def practitioner_by_token(practitioner_id: int, token: str) -> Practitioner:
    """The practitioner whose feed token matches (constant-time); anything else is not found."""
    found = db.session.get(Practitioner, practitioner_id)
    expected = found.calendar_token if found is not None and found.active else ""
    if (
        found is None
        or not expected
        or not hmac.compare_digest(expected.encode(), (token or "").encode())
    ):
        raise NotFoundError("calendar not found", code="calendar_not_found")
    return found


def rotate_token(actor, practitioner: Practitioner) -> str:
    """A new feed address; the old one stops working at once. Flushes."""
    practitioner.calendar_token = secrets.token_urlsafe(24)
    record_audit(
        "treatment.calendar_token", "practitioner", practitioner.user_id, "reset", actor=actor
    )
    db.session.flush()
    return practitioner.calendar_token


def feed_url(practitioner: Practitioner) -> str:
    return public_url(
        "treatments.calendar_feed",
        practitioner_id=practitioner.user_id,
        calendar_token=practitioner.calendar_token,
    )


def feed_bookings(practitioner_id: int, now: datetime) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking)
            .options(
                selectinload(Booking.therapy),
                selectinload(Booking.patient),
                selectinload(Booking.resource),
            )
            .where(
                Booking.practitioner_id == practitioner_id,
                Booking.status.in_(SHOWN),
                Booking.starts_at >= now - timedelta(days=DAYS_BACK),
                Booking.starts_at < now + timedelta(days=DAYS_AHEAD),
            )
            .order_by(Booking.starts_at)
        )
    )


def event_for(booking: Booking, now: datetime) -> Event:
    event = Event()
    event.add("uid", f"booking-{booking.id}@tcm-hospital")
    event.add("dtstamp", now)
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", f"{booking.therapy.name} · {mask_name(booking.patient.legal_name)}")
    event.add("location", calendar.place_of(booking))
    cancelled = booking.status == BookingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # A reschedule bumps the row's version: calendar apps take the higher SEQUENCE.
    event.add("sequence", booking.version or 0)
    return event


def feed(practitioner: Practitioner, now: datetime) -> bytes:
    """Bookings from a week back to two months ahead, times in UTC."""
    calendar = Calendar()
    calendar.add("prodid", "-//tcm-hospital//treatments//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{current_app.config['HOSPITAL_NAME']} · 治疗预约")
    for booking in feed_bookings(practitioner.user_id, now):
        calendar.add_component(event_for(booking, now))
    return calendar.to_ical()
