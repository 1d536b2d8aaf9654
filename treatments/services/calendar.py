"""The staff calendar of treatment bookings: a day grid (15-minute rows, a column per
practitioner or per bed/room seat) and a week overview, as plain values the templates lay out.
Times are the clinic's local time; patient names are masked (mask_name)."""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tcm_app.common.errors import ValidationError
from tcm_app.common.masking import mask_name
from tcm_app.extensions import db
from treatments.booking_rules import BookingStatus
from treatments.home_visits import district_of
from treatments.models import Booking, Practitioner, ScheduleException, TreatmentResource
from treatments.services import availability

ROW_MINUTES = 15
VIEWS = ("day", "week")
GROUPINGS = ("practitioner", "room")
DEFAULT_HOURS = (time(8), time(18))  # when the clinic has no hours that day but has bookings


@dataclass(frozen=True)
class Query:
    """What the calendar shows: a day or the week around `day`, columns by practitioner or by
    bed/room, optionally one practitioner or one bed/room."""

    day: date
    view: str = "day"
    by: str = "practitioner"
    practitioner_id: int | None = None
    resource_id: int | None = None


@dataclass(frozen=True)
class Block:
    """One booking on the calendar."""

    booking_id: int
    starts: datetime  # clinic local, naive
    ends: datetime
    therapy: str
    patient: str  # masked
    status: str
    flagged: bool  # the screening flagged something (or blocked treatment today)
    practitioner: str
    resource: str  # the bed or room; for a home visit, the district
    kind: str = "visit"  # visit | home (a home visit) | travel (its way there or back)


@dataclass(frozen=True)
class Column:
    key: tuple  # ("practitioner", id) | ("resource", id, seat)
    title: str
    off: str | None = None  # leave / holiday / training / other / not_working
    windows: tuple = ()  # local (start, end) working windows that day


@dataclass
class Cell:
    span: int = 1
    blocks: list = field(default_factory=list)
    off: bool = False  # outside the column's working hours


@dataclass(frozen=True)
class Row:
    at: time
    cells: list  # one per column: a Cell, or None where a block above spans over it


@dataclass(frozen=True)
class DayView:
    query: Query
    columns: list
    rows: list
    closed: str | None  # the clinic's holiday reason that day, if closed


@dataclass(frozen=True)
class WeekView:
    query: Query
    days: list
    closed: dict  # day → reason
    lines: list  # [(Column, {day: [Block]})]


MAX_DAYS_AWAY = 3660  # further is a typo (and date arithmetic would overflow)


def parse_query(args, default_day: date, practitioner_default: int | None = None) -> Query:
    """Read ?view=&date=&by=&practitioner_id=&resource_id= ; a bad value is a clear 400."""
    view, by = args.get("view") or "day", args.get("by") or "practitioner"
    if view not in VIEWS:
        raise ValidationError(
            "view is day or week", code="bad_calendar_view", fields={"view": ["invalid"]}
        )
    if by not in GROUPINGS:
        raise ValidationError(
            "by is practitioner or room", code="bad_calendar_grouping", fields={"by": ["invalid"]}
        )
    raw_day = args.get("date") or ""
    try:
        day = date.fromisoformat(raw_day) if raw_day else default_day
        if abs((day - default_day).days) > MAX_DAYS_AWAY:
            raise ValueError("too far from today")
    except ValueError:
        raise ValidationError(
            "the date must look like 2025-03-14, within ten years of today",
            code="bad_calendar_date",
            fields={"date": ["invalid"]},
        ) from None
    return Query(
        day,
        view,
        by,
        _id(args, "practitioner_id", practitioner_default),
        _id(args, "resource_id", None),
    )


def _id(args, name: str, default):
    raw = args.get(name)
    if raw is None:
        return default
    if raw in ("", "all"):
        return None
    if not raw.isdigit():
        raise ValidationError(
            f"{name} must be a number", code="bad_calendar_id", fields={name: ["invalid"]}
        )
    return int(raw)


def build(query: Query) -> DayView | WeekView:
    return day_view(query) if query.view == "day" else week_view(query)


def week_days(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


def neighbours(query: Query) -> tuple[date, date]:
    step = timedelta(days=1 if query.view == "day" else 7)
    return query.day - step, query.day + step


# --- loading -------------------------------------------------------------------------------


def bookings_between(first: date, last: date, practitioner_id=None, resource_id=None) -> list:
    """Bookings starting from `first` to `last` (clinic dates), cancelled ones left out."""
    start = availability.to_utc(datetime.combine(first, time()))
    end = availability.to_utc(datetime.combine(last + timedelta(days=1), time()))
    query = (
        select(Booking)
        .options(
            selectinload(Booking.screenings),
            selectinload(Booking.therapy),
            selectinload(Booking.patient),
            selectinload(Booking.resource),
            selectinload(Booking.address),
            selectinload(Booking.practitioner).selectinload(Practitioner.user),
        )
        .where(
            Booking.starts_at >= start,
            Booking.starts_at < end,
            Booking.status != BookingStatus.CANCELLED,
        )
        .order_by(Booking.starts_at, Booking.id)
    )
    if practitioner_id is not None:
        query = query.where(Booking.practitioner_id == practitioner_id)
    if resource_id is not None:
        query = query.where(Booking.resource_id == resource_id)
    return list(db.session.scalars(query))


def own_day(practitioner_id: int, day: date) -> list[Block]:
    """One practitioner's treatments on a clinic day, in time order (cancelled ones left out)."""
    return [block_of(b) for b in bookings_between(day, day, practitioner_id)]


def flagged(booking: Booking) -> bool:
    """The booking screening flagged something, or today's re-screening blocked treatment."""
    last = booking.screenings[-1] if booking.screenings else None
    return booking.screening_outcome == "flag" or (last is not None and last.outcome != "clear")


def place_of(booking: Booking) -> str:
    """The bed or room, or the district of a home visit."""
    if booking.resource is not None:
        return booking.resource.name
    return district_of(booking.address.region) if booking.address is not None else ""


def block_of(booking: Booking) -> Block:
    return Block(
        booking.id,
        availability.to_local(booking.starts_at),
        availability.to_local(booking.ends_at),
        booking.therapy.name,
        mask_name(booking.patient.legal_name),
        booking.status,
        flagged(booking),
        booking.practitioner.user.full_name,
        place_of(booking),
        "home" if booking.at_home else "visit",
    )


def travel_blocks(booking: Booking, visit: Block) -> list[Block]:
    """A home visit's way there and back, which its practitioner's column shows as busy."""
    if not booking.at_home or not booking.travel_minutes:
        return []
    leg = timedelta(minutes=booking.travel_minutes)
    return [
        replace(visit, starts=visit.starts - leg, ends=visit.starts, kind="travel"),
        replace(visit, starts=visit.ends, ends=visit.ends + leg, kind="travel"),
    ]


def filter_choices() -> dict:
    """The practitioners and beds/rooms to pick from: {"practitioner": [(id, name)], ...}."""
    return {
        "practitioner": [(p.user_id, p.user.full_name) for p in _practitioners(None)],
        "room": [(r.id, r.name) for r in _resources(None)],
    }


def _practitioners(practitioner_id) -> list[Practitioner]:
    query = select(Practitioner).where(Practitioner.active).order_by(Practitioner.user_id)
    if practitioner_id is not None:
        query = query.where(Practitioner.user_id == practitioner_id)
    return list(db.session.scalars(query))


def _resources(resource_id) -> list[TreatmentResource]:
    query = select(TreatmentResource).where(TreatmentResource.active)
    if resource_id is not None:
        query = query.where(TreatmentResource.id == resource_id)
    return list(db.session.scalars(query.order_by(TreatmentResource.id)))


def _exceptions(first: date, last: date) -> dict:
    """(practitioner id or None, day) → reason, for days closed all day."""
    rows = db.session.scalars(
        select(ScheduleException).where(
            ScheduleException.day.between(first, last), ScheduleException.closed
        )
    )
    return {(row.practitioner_id, row.day): row.reason for row in rows}


def columns_for(query: Query, day: date, closed: dict, seats: bool = True) -> list[Column]:
    """Practitioner columns (with leave and hours), or one column per bed/room seat."""
    if query.by == "practitioner":
        return [_practitioner_column(p, day, closed) for p in _practitioners(query.practitioner_id)]
    columns = []
    for resource in _resources(query.resource_id):
        count = resource.capacity if seats else 1
        for seat in range(count):
            title = resource.name if count == 1 else f"{resource.name} · {seat + 1}"
            columns.append(
                Column(
                    ("resource", resource.id, seat) if seats else ("resource", resource.id), title
                )
            )
    return columns


def _practitioner_column(practitioner: Practitioner, day: date, closed: dict) -> Column:
    windows, _ = availability.day_windows(practitioner.user_id, day)
    spans = tuple((w.start.time(), w.end.time()) for w in windows)
    off = closed.get((practitioner.user_id, day)) or (None if spans else "not_working")
    return Column(("practitioner", practitioner.user_id), practitioner.user.full_name, off, spans)


def _key(query: Query, booking: Booking, seats: bool = True) -> tuple:
    if query.by == "practitioner":
        return ("practitioner", booking.practitioner_id)
    return (
        ("resource", booking.resource_id, booking.seat)
        if seats
        else (
            "resource",
            booking.resource_id,
        )
    )


# --- day -----------------------------------------------------------------------------------


def day_view(query: Query) -> DayView:
    """The day grid; bookings outside the opening hours still show (the grid widens)."""
    day = query.day
    closed = _exceptions(day, day)
    columns = columns_for(query, day, closed)
    keys = {c.key for c in columns}
    by_column: defaultdict[tuple, list[Block]] = defaultdict(list)
    blocks: list[Block] = []
    for booking in bookings_between(day, day, query.practitioner_id, query.resource_id):
        if _key(query, booking) in keys:
            block = block_of(booking)
            shown = [block, *travel_blocks(booking, block)]
            by_column[_key(query, booking)] += shown
            blocks += shown
    for column_blocks in by_column.values():
        column_blocks.sort(key=lambda b: b.starts)
    opening, closing = _span(day, blocks)
    times = _times(day, opening, closing)
    grid = [_column_cells(by_column[c.key], c, times) for c in columns]
    rows = [Row(t, [cells[n] for cells in grid]) for n, t in enumerate(times)]
    return DayView(query, columns, rows, closed.get((None, day)))


def _span(day: date, blocks: list[Block]) -> tuple[time, time] | tuple[None, None]:
    clinic = availability._clinic_hours(day, day).windows(day)  # the clinic's opening hours
    starts = [w.start.time() for w in clinic] + [b.starts.time() for b in blocks]
    ends = [w.end.time() for w in clinic] + [b.ends.time() for b in blocks]
    if not starts:
        return None, None
    return min(starts), max(ends)


def _times(day: date, opening: time | None, closing: time | None) -> list[time]:
    if opening is None or closing is None:
        return []
    moment = datetime.combine(day, opening)
    moment -= timedelta(minutes=moment.minute % ROW_MINUTES)
    end = datetime.combine(day, closing)
    times = []
    while moment < end:
        times.append(moment.time())
        moment += timedelta(minutes=ROW_MINUTES)
    return times


def _row_of(times: list[time], moment: datetime) -> int:
    """The row holding `moment` (the last row starting at or before it)."""
    index = 0
    for n, at in enumerate(times):
        if at <= moment.time():
            index = n
    return index


def _column_cells(blocks: list[Block], column: Column, times: list[time]) -> list:
    """One entry per row: a Cell where one starts, None under a cell spanning several rows.
    Blocks whose rows touch share one cell (a 20-minute session next to another)."""
    cells: list = []
    for at in times:
        inside = any(a <= at < b for a, b in column.windows)
        cells.append(Cell(off=bool(column.key[0] == "practitioner" and not inside)))
    current = None
    for block in blocks:
        first = _row_of(times, block.starts)
        last = max(first, _row_of(times, block.ends - timedelta(microseconds=1)))
        if current is not None and first <= current[1]:
            current[1] = max(current[1], last)
            cells[current[0]].blocks.append(block)
        else:
            current = [first, last]
            cells[first] = Cell(blocks=[block])
        start, stop = current
        cells[start].span = stop - start + 1
        for n in range(start + 1, stop + 1):
            cells[n] = None
    return cells


# --- week ----------------------------------------------------------------------------------


def week_view(query: Query) -> WeekView:
    """Seven days (Monday first) × practitioners or beds/rooms, a short list per cell."""
    days = week_days(query.day)
    closed = _exceptions(days[0], days[-1])
    lines = []
    columns = columns_for(query, query.day, closed, seats=False)
    cells: dict[tuple, defaultdict[date, list]] = {c.key: defaultdict(list) for c in columns}
    for booking in bookings_between(days[0], days[-1], query.practitioner_id, query.resource_id):
        key = _key(query, booking, seats=False)
        if key in cells:
            block = block_of(booking)
            cells[key][block.starts.date()].append(block)
    for column in columns:
        off = {}
        if column.key[0] == "practitioner":
            off = {d: closed[(column.key[1], d)] for d in days if (column.key[1], d) in closed}
        lines.append((column, dict(cells[column.key]), off))
    return WeekView(query, days, {d: closed[(None, d)] for d in days if (None, d) in closed}, lines)
