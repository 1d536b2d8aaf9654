"""Booking rules: the occupancy cells a booking holds (the database's double-booking guard), the
status moves a booking may make, and the patients' cancellation cut-off.

Pure: standard library only.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum

from tcm_app.common.errors import RuleError

TICK_MINUTES = 5  # therapy lengths are whole multiples of this


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


LIVE_STATUSES = frozenset({BookingStatus.BOOKED, BookingStatus.CHECKED_IN})
# Which status each action leaves from, and where it goes.
MOVES = {
    "check_in": (BookingStatus.BOOKED, BookingStatus.CHECKED_IN),
    "no_show": (BookingStatus.BOOKED, BookingStatus.NO_SHOW),
    "complete": (BookingStatus.CHECKED_IN, BookingStatus.COMPLETED),
    "cancel": (BookingStatus.BOOKED, BookingStatus.CANCELLED),
    "reschedule": (BookingStatus.BOOKED, BookingStatus.BOOKED),
}


class BookingError(RuleError):
    """A booking move the rules refuse, with a stable code."""


def require_move(action: str, status: str) -> None:
    """Refuse (BookingError) an `action` that a booking in `status` may not make."""
    origin, _ = MOVES[action]
    if status == origin:
        return
    if status in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW, BookingStatus.COMPLETED):
        raise BookingError(f"booking_{status}", f"this booking is {status}")
    raise BookingError("wrong_booking_status", f"this booking is {status}")


def tick_of(moment: datetime) -> int:
    """The 5-minute tick (since the Unix epoch, UTC) that contains `moment`."""
    if moment.tzinfo is None:
        raise ValueError("ticks are taken from aware datetimes")
    return int(moment.astimezone(UTC).timestamp()) // (TICK_MINUTES * 60)


def ticks(start: datetime, end: datetime) -> range:
    """Every tick the half-open interval [start, end) touches."""
    last = tick_of(end - timedelta(microseconds=1))
    return range(tick_of(start), last + 1)


def practitioner_holder(practitioner_id: int) -> str:
    return f"practitioner:{practitioner_id}"


def seat_holder(resource_id: int, seat: int) -> str:
    return f"resource:{resource_id}:{seat}"


def patient_holder(patient_id: int) -> str:
    return f"patient:{patient_id}"


@dataclass(frozen=True)
class CancelPolicy:
    """Patients cancel or move a booking up to `hours` before it starts; staff any time before
    it starts, always with a reason."""

    hours: int
    zone: tzinfo = UTC  # the clinic's: the deadline a refusal names is in its time

    def patient_deadline(self, starts_at: datetime) -> datetime:
        return starts_at - timedelta(hours=self.hours)

    def require_changeable(self, starts_at: datetime, now: datetime, by_staff: bool) -> None:
        """Refuse (BookingError) a change once the booking has started, or a patient's change
        past the deadline."""
        if now >= starts_at:
            raise BookingError("booking_started", "this booking has already started")
        if not by_staff and now > self.patient_deadline(starts_at):
            deadline = self.patient_deadline(starts_at).astimezone(self.zone)
            raise BookingError(
                "past_cancel_cutoff",
                f"bookings can be changed online until {deadline:%Y-%m-%d %H:%M}; "
                "please call the clinic",
            )
