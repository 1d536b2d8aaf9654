"""Scheduling rules for in-person treatments (针灸, 推拿, 拔罐 …): working windows, free slots that
satisfy practitioner, bed/room capacity and the patient's own bookings, and course series (疗程)
checked all-or-nothing with the conflicting dates named and alternatives offered.

Pure: plain values in, plain values out. The database still guards double booking (a constraint
or lock in the service), because this check cannot see a simultaneous request.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime

    def overlaps(self, other: "Interval") -> bool:
        """Half-open: a booking ending at 10:00 does not clash with one starting at 10:00."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Interval") -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class WorkingHours:
    """A practitioner's weekly template (weekday 0 = Monday → [(from, to)]) and the days that
    differ: a date mapped to [] is closed (leave, holiday), to other hours replaces the week."""

    weekly: dict
    exceptions: dict = field(default_factory=dict)

    def windows(self, day: date) -> list[Interval]:
        spans = self.exceptions.get(day, self.weekly.get(day.weekday(), []))
        return [Interval(datetime.combine(day, a), datetime.combine(day, b)) for a, b in spans]


@dataclass(frozen=True)
class Resource:
    """A bed or room that `capacity` patients can use at once."""

    id: int
    capacity: int = 1


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    practitioner_id: int
    resource_id: int


@dataclass(frozen=True)
class Busy:
    """Existing bookings: by practitioner, by resource, and the patient's own."""

    practitioner: dict = field(default_factory=dict)  # id → [Interval]
    resource: dict = field(default_factory=dict)  # id → [Interval]
    patient: tuple = ()  # [Interval]


def _count_overlapping(intervals: Iterable[Interval], wanted: Interval) -> int:
    return sum(1 for interval in intervals if interval.overlaps(wanted))


def free_slots(
    day: date,
    minutes: int,
    practitioners: dict,
    resources: list[Resource],
    busy: Busy,
    clinic: WorkingHours,
    now: datetime,
    step_minutes: int = 15,
) -> list[Slot]:
    """Every start on the step grid where a practitioner works and is free, the clinic is open,
    a resource has room and the patient has nothing else. `practitioners`: id → WorkingHours.
    One slot per start and practitioner: the first resource with room."""
    length, step = timedelta(minutes=minutes), timedelta(minutes=step_minutes)
    open_windows = clinic.windows(day)
    found = []
    for practitioner_id, hours in sorted(practitioners.items()):
        for window in hours.windows(day):
            start = window.start
            while start + length <= window.end:
                wanted = Interval(start, start + length)
                slot = _slot_at(wanted, practitioner_id, resources, busy, open_windows, now)
                if slot is not None:
                    found.append(slot)
                start += step
    return sorted(found, key=lambda s: (s.start, s.practitioner_id))


def _slot_at(wanted, practitioner_id, resources, busy, open_windows, now) -> Slot | None:
    if wanted.start < now or not any(w.contains(wanted) for w in open_windows):
        return None
    if _count_overlapping(busy.practitioner.get(practitioner_id, []), wanted):
        return None
    if _count_overlapping(busy.patient, wanted):
        return None
    for resource in resources:
        if _count_overlapping(busy.resource.get(resource.id, []), wanted) < resource.capacity:
            return Slot(wanted.start, wanted.end, practitioner_id, resource.id)
    return None


def course_dates(
    first: date, sessions: int, every_days: int, course_length: int = 0, rest_days: int = 0
) -> list[date]:
    """Session dates of a course (疗程): every `every_days` days; after each `course_length`
    sessions (0: one course) a rest of `rest_days` before the next course."""
    if sessions < 1 or every_days < 1 or rest_days < 0 or course_length < 0:
        raise ValueError("sessions and spacing must be positive, rest days not negative")
    dates, day = [], first
    for n in range(sessions):
        dates.append(day)
        day += timedelta(days=every_days)
        if course_length and (n + 1) % course_length == 0:
            day += timedelta(days=rest_days)
    return dates


@dataclass(frozen=True)
class SeriesCheck:
    """A whole course at one time of day: booked only when `conflicts` is empty."""

    slots: tuple[Slot, ...]
    conflicts: tuple[date, ...]
    alternatives: dict  # conflicting date → [Slot] on that day or the next

    @property
    def bookable(self) -> bool:
        return not self.conflicts


def check_series(dates: list[date], at: time, slots_for_day, practitioner_id: int) -> SeriesCheck:
    """`slots_for_day(day)` → free slots that day. Each date needs a free slot starting at `at`
    with the practitioner; for a date without one, offer that day's and the next day's slots."""
    chosen, conflicts, alternatives = [], [], {}
    for day in dates:
        free = slots_for_day(day)
        match = next(
            (s for s in free if s.start.time() == at and s.practitioner_id == practitioner_id), None
        )
        if match is not None:
            chosen.append(match)
            continue
        conflicts.append(day)
        nearby = [s for s in free if s.practitioner_id == practitioner_id]
        nearby += [
            s
            for s in slots_for_day(day + timedelta(days=1))
            if s.practitioner_id == practitioner_id
        ]
        alternatives[day] = nearby[:5]
    return SeriesCheck(tuple(chosen), tuple(conflicts), alternatives)
