"""Online consult slots from weekly sessions and day exceptions, in the clinic's time zone, and the
booking and waiting-room windows around a slot. Pure: standard library and tcm_app.common only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tcm_app.common.errors import RuleError

MAX_DAYS = 62
MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 5, 120


class SlotError(RuleError):
    """A range or consult hours the slot grid refuses, with a stable code."""


@dataclass(frozen=True)
class WeeklySession:
    """A doctor's recurring consult hours, e.g. Tuesday 09:00-12:00 in 15-minute slots."""

    weekday: int  # 0 = Monday
    start: time
    end: time
    slot_minutes: int


@dataclass(frozen=True)
class ScheduleException:
    """A day off (closed) or replacement hours: ((start, end, slot_minutes), ...)."""

    day: date
    closed: bool
    sessions: tuple = ()


@dataclass(frozen=True)
class Slot:
    """One bookable consult, as a half-open UTC interval [starts_at, ends_at)."""

    starts_at: datetime
    ends_at: datetime


def session_problems(session: WeeklySession) -> list[str]:
    """Stable codes: bad_weekday, bad_slot_length, end_before_start, shorter_than_a_slot."""
    problems = []
    if not 0 <= session.weekday <= 6:
        problems.append("bad_weekday")
    minutes = session.slot_minutes
    if not isinstance(minutes, int) or not MIN_SLOT_MINUTES <= minutes <= MAX_SLOT_MINUTES:
        return [*problems, "bad_slot_length"]
    if session.start is None or session.end is None or session.end <= session.start:
        return [*problems, "end_before_start"]
    if _minutes(session.end) - _minutes(session.start) < minutes:
        problems.append("shorter_than_a_slot")
    return problems


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must be timezone-aware (UTC)")


def generate_slots(
    sessions: Iterable[WeeklySession],
    exceptions: Iterable[ScheduleException],
    start_day: date,
    days: int,
    zone: ZoneInfo,
    now: datetime,
) -> list[Slot]:
    """Every slot in [start_day, start_day + days) that starts at or after `now`, sorted by start.

    An exception replaces its day's weekly sessions; overlapping sessions never give overlapping
    slots (the earlier slot wins). Raises SlotError for a bad range or an invalid session.
    """
    _require_aware(now)
    if days < 1:
        raise SlotError("bad_range", "the range must cover at least one day")
    if days > MAX_DAYS:
        raise SlotError("range_too_long", f"at most {MAX_DAYS} days at once")
    sessions = list(sessions)
    by_day = {exception.day: exception for exception in exceptions}
    found: list[Slot] = []
    for offset in range(days):
        day = start_day + timedelta(days=offset)
        for start, end, minutes in _hours_of(day, sessions, by_day.get(day)):
            found += _day_slots(day, start, end, minutes, zone)
    # Merge before dropping the past, so the slot grid does not shift as time goes by: a slot
    # hidden behind an earlier overlapping one must not surface once that one has started.
    grid = _without_overlaps(sorted(found, key=lambda s: (s.starts_at, s.ends_at)))
    return [slot for slot in grid if slot.starts_at >= now]


def _hours_of(day: date, sessions: list[WeeklySession], exception) -> list[tuple]:
    if exception is not None:
        hours = [] if exception.closed else list(exception.sessions)
    else:
        hours = [(s.start, s.end, s.slot_minutes) for s in sessions if s.weekday == day.weekday()]
    for start, end, minutes in hours:
        # A zero or negative slot length would never end the stepping loop: refuse bad input.
        problems = session_problems(WeeklySession(day.weekday(), start, end, minutes))
        if problems:
            raise SlotError(problems[0], f"invalid consult hours on {day}")
    return hours


def _day_slots(day: date, start: time, end: time, minutes: int, zone: ZoneInfo) -> list[Slot]:
    # Step in UTC, not wall time: across a DST change every slot still lasts `minutes`.
    begin = datetime.combine(day, start, zone).astimezone(UTC)
    finish = datetime.combine(day, end, zone).astimezone(UTC)
    step = timedelta(minutes=minutes)
    slots = []
    while begin + step <= finish:  # a remainder shorter than a slot is not a slot
        slots.append(Slot(begin, begin + step))
        begin += step
    return slots


def _without_overlaps(slots: list[Slot]) -> list[Slot]:
    # Sorted by start and kept disjoint, so the last kept slot has the latest end.
    kept: list[Slot] = []
    for slot in slots:
        if not kept or not overlaps(kept[-1], slot):
            kept.append(slot)
    return kept


def overlaps(a: Slot, b: Slot) -> bool:
    """Half-open intervals: a slot ending at 09:15 does not overlap one starting at 09:15."""
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def bookable(
    slot: Slot, now: datetime, min_lead_minutes: int = 10, max_days_ahead: int = 30
) -> bool:
    """A patient books at least `min_lead_minutes` ahead and at most `max_days_ahead` days ahead."""
    _require_aware(now)
    lead = slot.starts_at - now
    return timedelta(minutes=min_lead_minutes) <= lead <= timedelta(days=max_days_ahead)


def waiting_room_open(
    slot: Slot, now: datetime, early_minutes: int = 15, grace_minutes: int = 30
) -> bool:
    """Open from `early_minutes` before the slot starts until `grace_minutes` after it ends."""
    _require_aware(now)
    opens = slot.starts_at - timedelta(minutes=early_minutes)
    closes = slot.ends_at + timedelta(minutes=grace_minutes)
    return opens <= now <= closes
