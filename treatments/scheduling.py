"""Scheduling rules for in-person treatments (针灸, 推拿, 拔罐 …): working windows, free slots that
satisfy practitioner, bed/room capacity and the patient's own bookings, and course series (疗程)
checked all-or-nothing with the conflicting dates named and alternatives offered.

Pure: plain values in, plain values out. The database still guards double booking (a constraint
or lock in the service), because this check cannot see a simultaneous request.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple, cast

from tcm_app.common.errors import RuleError

MINUTES_A_DAY = 24 * 60
STEP_MINUTES = 15  # sessions start on this grid from the start of each working window


class ScheduleError(RuleError):
    """A course plan the scheduler refuses, with a stable code."""


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

    def seconds(self, day: date) -> list[tuple[float, float]]:
        """The windows that day as (start, end) seconds after midnight: what the minute masks
        are made of, without a datetime per window."""
        spans = self.exceptions.get(day, self.weekly.get(day.weekday(), []))
        return [(_seconds_of(a), _seconds_of(b)) for a, b in spans]


def _seconds_of(moment: time) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


@dataclass(frozen=True)
class Resource:
    """A bed or room that `capacity` patients can use at once."""

    id: int
    capacity: int = 1


class Slot(NamedTuple):
    """A free start. A tuple, not a dataclass: a month's search builds tens of thousands."""

    start: datetime
    end: datetime
    practitioner_id: int
    resource_id: int

    @property
    def starts_at(self) -> datetime:  # the name the booking services use
        return self.start

    @property
    def ends_at(self) -> datetime:
        return self.end


@dataclass(frozen=True)
class Busy:
    """Existing bookings: by practitioner, by resource, and the patient's own."""

    practitioner: dict = field(default_factory=dict)  # id → [Interval]
    resource: dict = field(default_factory=dict)  # id → [Interval]
    patient: tuple = ()  # [Interval]
    # Where the bookings already sit: resource id → {seat: [Interval]}. A resource missing here
    # has its `resource` intervals spread over seats as the booking service would.
    seats: dict = field(default_factory=dict)


class DayMasks(NamedTuple):
    """One day's bookings as minute masks (bit 0 = 00:00): what the services build straight from
    the database's rows, with no Interval per booking."""

    practitioner: dict  # id → mask
    seats: dict  # (resource id, seat) → mask
    patient: int = 0


def on_grid(moment: datetime, windows: list[Interval], step_minutes: int = STEP_MINUTES) -> bool:
    """Does `moment` fall on the start grid of the working window that holds it?"""
    step = timedelta(minutes=step_minutes)
    return any(
        w.start <= moment < w.end and (moment - w.start) % step == timedelta() for w in windows
    )


def span_mask(start: float, end: float) -> int:
    """The minutes of the day that [start, end) covers (seconds after midnight), as bits
    (bit 0 = 00:00), clipped to the day."""
    first = max(0, int(start // 60))
    last = min(MINUTES_A_DAY, int(-(-end // 60)))
    return ((1 << (last - first)) - 1) << first if last > first else 0


def _mask(interval: Interval, day_start: datetime) -> int:
    """The minutes of the day an interval covers, as bits (bit 0 = 00:00), clipped to the day."""
    return span_mask(
        (interval.start - day_start).total_seconds(), (interval.end - day_start).total_seconds()
    )


def _busy_mask(intervals: Iterable[Interval], day_start: datetime) -> int:
    mask = 0
    for interval in intervals:
        mask |= _mask(interval, day_start)
    return mask


def free_slots(
    day: date,
    minutes: int,
    practitioners: dict,
    resources: list[Resource],
    busy: Busy,
    clinic: WorkingHours,
    now: datetime,
    step_minutes: int = STEP_MINUTES,
    origin: datetime | None = None,
) -> list[Slot]:
    """Every start on the step grid where a practitioner works and is free, the clinic is open,
    a resource has room and the patient has nothing else. `practitioners`: id → WorkingHours.
    One slot per start and practitioner: the first resource with room. A resource with capacity
    n is n seats; a booking needs one seat free for its whole length. All inputs are local
    times; the slots are too, unless `origin` gives the moment local midnight is on another
    clock (an aware UTC datetime, for a day without a clock change): then they are on that one.

    Minutes of the day are bit masks, so each candidate is a few integer operations: this runs
    for every day of a month-long search on every request."""
    day_start = datetime.combine(day, time())
    masks = DayMasks(
        {pid: _busy_mask(spans, day_start) for pid, spans in busy.practitioner.items()},
        {
            (resource.id, seat): held
            for resource in resources
            for seat, held in enumerate(_resource_seats(resource, busy, day_start))
        },
        _busy_mask(busy.patient, day_start),
    )
    return free_slots_in_day(
        minutes,
        {pid: hours.seconds(day) for pid, hours in practitioners.items()},
        resources,
        masks,
        clinic.seconds(day),
        (now - day_start).total_seconds(),
        origin or day_start,
        step_minutes,
    )


def free_slots_in_day(
    minutes: int,
    windows: dict,
    resources: list[Resource],
    masks: DayMasks,
    clinic: list[tuple[float, float]],
    not_before: float,
    origin: datetime,
    step_minutes: int = STEP_MINUTES,
) -> list[Slot]:
    """free_slots on one day given as numbers: `windows` practitioner id → [(start, end)] and
    `clinic` [(start, end)] in seconds after midnight, the bookings as minute masks, the present
    as `not_before` seconds after midnight, and `origin` local midnight on the slots' clock.

    A month's search calls this for every day of every request, so it makes no object but the
    slots themselves (and the datetimes of each start, once for all practitioners)."""
    blocked = ~_spans_mask(clinic) | masks.patient
    seats = [
        (resource.id, masks.seats.get((resource.id, seat), 0))
        for resource in resources
        for seat in range(resource.capacity)
    ]
    found: list[Slot] = []
    at_start: dict[float, Any] = {}  # start (s) → (begins, ends, first resource) or None
    add, new_slot = found.append, _new_slot  # the loop below runs for every candidate start
    for practitioner_id in sorted(windows):
        taken = blocked | masks.practitioner.get(practitioner_id, 0)
        for window_start, window_end in windows[practitioner_id]:
            for start, want in _grid(window_start, window_end, minutes, step_minutes):
                if start < not_before or taken & want:
                    continue
                place = at_start.get(start, _UNSEEN)
                if place is _UNSEEN:  # the same start for every practitioner: look once
                    place = at_start[start] = _place(seats, want, origin, start, minutes)
                if place is not None:
                    begins, ends, resource_id = cast(tuple, place)
                    add(new_slot(Slot, (begins, ends, practitioner_id, resource_id)))
    found.sort(key=itemgetter(0))  # stable: practitioners stay in id order at each start
    return found


def _spans_mask(spans: list[tuple[float, float]]) -> int:
    mask = 0
    for start, end in spans:
        mask |= span_mask(start, end)
    return mask


# NamedTuple's own __new__ is Python code; building the tuple directly is a third of the cost.
_new_slot = tuple.__new__
_UNSEEN = object()


def _place(seats, want: int, origin: datetime, start: float, minutes: int) -> tuple | None:
    """(begins, ends, resource id) for a start, or None when no seat is free for it."""
    resource_id = _first_free(seats, want)
    if resource_id is None:
        return None
    begins = origin + timedelta(seconds=start)
    return begins, begins + timedelta(minutes=minutes), resource_id


@lru_cache(maxsize=256)
def _grid(start: float, end: float, minutes: int, step_minutes: int) -> tuple:
    """(start in seconds after midnight, its minute mask) for each start on the step grid of a
    window [start, end) (seconds) that fits in it; the same masks as `_mask` would give.
    Windows repeat across practitioners and days, so each is worked out once."""
    length, step = minutes * 60, step_minutes * 60
    found = []
    while start + length <= end:
        first = max(0, int(start // 60))
        last = min(MINUTES_A_DAY, int(-(-(start + length) // 60)))
        found.append((start, ((1 << (last - first)) - 1) << first if last > first else 0))
        start += step
    return tuple(found)


def _resource_seats(resource: Resource, busy: Busy, day_start: datetime) -> list[int]:
    placed = busy.seats.get(resource.id)
    if placed is None:
        return _seat_masks(busy.resource.get(resource.id, []), resource.capacity, day_start)
    return [_busy_mask(placed.get(n, []), day_start) for n in range(resource.capacity)]


def _seat_masks(intervals: list[Interval], capacity: int, day_start: datetime) -> list[int]:
    """Spread a resource's bookings over its seats the way the booking service does: each on
    the first seat free for its whole length."""
    seats = [0] * capacity
    for interval in sorted(intervals):
        mask = _mask(interval, day_start)
        for n, held in enumerate(seats):
            if not held & mask:
                seats[n] = held | mask
                break
    return seats


def _first_free(seats: list[tuple[int, int]], want: int) -> int | None:
    """The first resource with a seat free for `want`; `seats`: (resource id, seat mask)."""
    for resource_id, held in seats:
        if not held & want:
            return resource_id
    return None


def course_dates(
    first: date, sessions: int, every_days: int, course_length: int = 0, rest_days: int = 0
) -> list[date]:
    """Session dates of a course (疗程): every `every_days` days; after each `course_length`
    sessions (0: one course) a rest of `rest_days` before the next course."""
    if sessions < 1 or every_days < 1 or rest_days < 0 or course_length < 0:
        raise ScheduleError(
            "bad_course", "sessions and spacing must be positive, rest days not negative"
        )
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
