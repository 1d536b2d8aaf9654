"""Home visit rules (上门护理): the service area (districts served, each with its travel minutes
from the clinic), the travel buffer around a visit, free home-visit starts, the home questions
asked at booking, and when a visit at the door has overrun enough to raise a safety alert.

Travel: a visit holds its practitioner from `travel` minutes before it starts (the way there)
to `travel` minutes after it ends (the way back). Two home visits in a row are therefore two
legs apart, as if the practitioner came back between them: the clinic knows each home's
distance from the clinic, not from each other home, so it plans the safe upper bound.

Pure: standard library and this package.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import NamedTuple

from tcm_app.common.errors import RuleError
from treatments.booking_rules import TICK_MINUTES
from treatments.scheduling import STEP_MINUTES, Busy, DayMasks, Interval, _busy_mask, _grid

MAX_TRAVEL_MINUTES = 180
_SEPARATORS = re.compile(r"[/／\s]+")


class HomeVisitError(RuleError):
    """A home visit the rules refuse, with a stable code."""


def district_of(region: str) -> str:
    """The district of an address's region ("北京市 / 北京市 / 朝阳区" or "北京市 朝阳区"): its
    last part."""
    parts = [p for p in _SEPARATORS.split(region or "") if p]
    return parts[-1] if parts else ""


def parse_area(text: str) -> dict[str, int]:
    """ "朝阳区=30, 东城区=40" → {district: travel minutes}; ValueError names a bad entry.
    Travel is rounded up to whole ticks, since cells are held tick by tick."""
    area: dict[str, int] = {}
    for entry in filter(None, (e.strip() for e in re.split(r"[,，;；\n]", text or ""))):
        name, _sep, minutes = entry.partition("=")
        name, minutes = name.strip(), minutes.strip()
        if not name or not minutes.isdigit() or not 0 <= int(minutes) <= MAX_TRAVEL_MINUTES:
            raise ValueError(f"bad service area entry {entry!r}: use district=minutes (0-180)")
        area[name] = -(-int(minutes) // TICK_MINUTES) * TICK_MINUTES
    return area


@dataclass(frozen=True)
class ServiceArea:
    """Districts served → travel minutes (one way, from the clinic)."""

    travel: dict

    def travel_minutes(self, region: str) -> int:
        """The travel minutes to an address in `region`; refuses one outside the area, naming
        the districts served."""
        district = district_of(region)
        if district not in self.travel:
            raise HomeVisitError(
                "outside_service_area",
                f"{district or region} is outside the home-visit area",
                {"districts": sorted(self.travel)},
            )
        return self.travel[district]


def padded(visit: Interval, travel_minutes: int) -> Interval:
    """The time a home visit takes its practitioner away: the visit and the way there and
    back."""
    leg = timedelta(minutes=travel_minutes)
    return Interval(visit.start - leg, visit.end + leg)


class HomeSlot(NamedTuple):
    """A free home-visit start with its practitioner (clinic local, or on `origin`'s clock)."""

    start: datetime
    end: datetime
    practitioner_id: int

    @property
    def starts_at(self) -> datetime:
        return self.start

    @property
    def ends_at(self) -> datetime:
        return self.end

    @property
    def resource_id(self) -> None:  # no bed or room at home
        return None


def free_home_slots(
    day: date,
    minutes: int,
    travel_minutes: int,
    practitioners: dict,
    busy: Busy,
    now: datetime,
    origin: datetime | None = None,
    step_minutes: int = STEP_MINUTES,
) -> list[HomeSlot]:
    """Every start where the visit and its way there and back fit inside one of the
    practitioner's working windows, clear of everything they already hold (`busy.practitioner`:
    clinic sessions, and other home visits already padded with their travel) and of the
    patient's own bookings. Starts are on the step grid from the window's start plus the way
    there (the practitioner leaves at the window's start). `practitioners`: id → WorkingHours.
    Local times in and out, unless `origin` gives local midnight on another clock (aware UTC,
    for a day without a clock change), as scheduling.free_slots."""
    day_start = datetime.combine(day, time())
    masks = DayMasks(
        {pid: _busy_mask(spans, day_start) for pid, spans in busy.practitioner.items()},
        {},
        _busy_mask(busy.patient, day_start),
    )
    return free_home_slots_in_day(
        minutes,
        travel_minutes,
        {pid: hours.seconds(day) for pid, hours in practitioners.items()},
        masks,
        (now - day_start).total_seconds(),
        origin or day_start,
        step_minutes,
    )


def free_home_slots_in_day(
    minutes: int,
    travel_minutes: int,
    windows: dict,
    masks: DayMasks,
    not_before: float,
    origin: datetime,
    step_minutes: int = STEP_MINUTES,
) -> list[HomeSlot]:
    """free_home_slots on one day given as numbers, as scheduling.free_slots_in_day:
    `masks.practitioner` already holds other home visits with their travel."""
    leg, length = travel_minutes * 60, timedelta(minutes=minutes)
    found: list[HomeSlot] = []
    at_start: dict[float, tuple[datetime, datetime]] = {}  # start (s) → (begins, ends)
    for practitioner_id in sorted(windows):
        taken = masks.practitioner.get(practitioner_id, 0)
        for begin, end in windows[practitioner_id]:
            for away, want in _grid(begin, end, minutes + 2 * travel_minutes, step_minutes):
                start = away + leg
                if (
                    start < not_before
                    or taken & want
                    or masks.patient & _visit_mask(start, minutes)
                ):
                    continue
                times = at_start.get(start)
                if times is None:
                    begins = origin + timedelta(seconds=start)
                    times = at_start[start] = (begins, begins + length)
                found.append(_new_slot(HomeSlot, (times[0], times[1], practitioner_id)))
    found.sort(key=itemgetter(0))  # stable: practitioners stay in id order at each start
    return found


# NamedTuple's own __new__ is Python code; building the tuple directly is a third of the cost.
_new_slot = tuple.__new__


def _visit_mask(start: float, minutes: int) -> int:
    first = int(start // 60)
    return ((1 << minutes) - 1) << first


def nearest(slots: list, wanted: datetime, count: int = 5) -> list:
    """The free starts closest in time to the one asked for, in time order."""
    closest = sorted(slots, key=lambda s: abs((s.start - wanted).total_seconds()))[:count]
    return sorted(closest, key=lambda s: s.start)


# --- the home questions ----------------------------------------------------------------------

# Question code → (the answer that matters, "block" or "flag"). Another adult at home protects
# patient and practitioner alike (a lone visit is not made); no room for the folding bed or a
# pet loose are told to the practitioner, who brings a mat or asks for the pet to be shut away.
HOME_QUESTIONS = {
    "someone_present": (False, "block"),
    "bed_space": (False, "flag"),
    "pets": (True, "flag"),
}


@dataclass(frozen=True)
class HomeScreening:
    outcome: str  # clear | flag | block
    findings: tuple[str, ...]  # the question codes whose answer matters
    unanswered: tuple[str, ...]


def screen_home(answers: dict) -> HomeScreening:
    """The home questions' outcome: any blocking answer → block; else any flag → flag."""
    unanswered = tuple(code for code in HOME_QUESTIONS if answers.get(code) is None)
    findings = tuple(
        code
        for code, (matters, _severity) in HOME_QUESTIONS.items()
        if answers.get(code) is not None and bool(answers[code]) == matters
    )
    severities = {HOME_QUESTIONS[code][1] for code in findings}
    outcome = "block" if "block" in severities else "flag" if findings else "clear"
    return HomeScreening(outcome, findings, unanswered)


# --- overrun -----------------------------------------------------------------------------------


def overrun_due(
    ends_at: datetime,
    checked_in_at: datetime | None,
    minutes: int,
    now: datetime,
    margin_minutes: int,
) -> bool:
    """A visit the practitioner checked in to and has not checked out of is overdue once it
    has run `margin_minutes` past its end: the booked end, or its length after a late arrival."""
    if checked_in_at is None:
        return False
    expected_end = max(ends_at, checked_in_at + timedelta(minutes=minutes))
    return now >= expected_end + timedelta(minutes=margin_minutes)
