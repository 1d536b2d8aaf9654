"""Booking rules: the occupancy cells a booking holds (the database's double-booking guard), the
status moves a booking may make, and the patients' cancellation cut-off.

Pure: standard library only.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

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


def move_problem(action: str, status: str) -> str | None:
    """None when `action` may apply to a booking in `status`; otherwise a stable code."""
    origin, _ = MOVES[action]
    if status == origin:
        return None
    if status in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW, BookingStatus.COMPLETED):
        return f"booking_{status}"
    return "wrong_booking_status"


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

    def patient_deadline(self, starts_at: datetime) -> datetime:
        return starts_at - timedelta(hours=self.hours)

    def problem(self, starts_at: datetime, now: datetime, by_staff: bool) -> str | None:
        if now >= starts_at:
            return "booking_started"
        if not by_staff and now > self.patient_deadline(starts_at):
            return "past_cancel_cutoff"
        return None
