"""Free treatment slots: load hours, exceptions and live bookings for a date range, then ask the
pure scheduler day by day. Times are the clinic's local time inside, aware UTC outside."""

import gc
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.types import utcnow
from tcm_app.services import clock
from treatments import scheduling
from treatments.booking_rules import LIVE_STATUSES
from treatments.home_visits import padded
from treatments.models import Booking, ScheduleException, Therapy, WorkingHours
from treatments.services.catalogue import practitioners_for, resources_for

MAX_SEARCH_DAYS = 62


def clinic_zone() -> ZoneInfo:
    return clock.clinic_zone()


def to_local(moment: datetime) -> datetime:
    """Aware → naive clinic time (what the pure scheduler works in)."""
    return moment.astimezone(clinic_zone()).replace(tzinfo=None)


def to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=clinic_zone()).astimezone(UTC)


# A free start with aware UTC times (.starts_at, .ends_at, .practitioner_id, .resource_id).
FreeSlot = scheduling.Slot


def check_range(first: date, last: date) -> None:
    if last < first:
        raise ValidationError("the end date is before the start date", code="bad_range")
    if (last - first).days + 1 > MAX_SEARCH_DAYS:
        raise ValidationError(
            f"search at most {MAX_SEARCH_DAYS} days at a time", code="range_too_long"
        )


def free_slots(*args, **kwargs) -> list[FreeSlot]:
    """Every free start for the therapy from `first` to `last` (clinic dates, inclusive):
    `search(therapy, first, last, practitioner_id=None, patient_id=None, now=None,
    ignore_booking_id=None)`.

    A month's search builds tens of thousands of small objects that reference counting frees
    and that form no cycles; the cyclic collector is paused meanwhile, because its full passes
    over a large app's heap cost more than the search itself (measured: about a third)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return search(*args, **kwargs)
    finally:
        if paused:
            gc.enable()


def search(
    therapy: Therapy,
    first: date,
    last: date,
    practitioner_id: int | None = None,
    patient_id: int | None = None,
    now: datetime | None = None,
    ignore_booking_id: int | None = None,
) -> list[FreeSlot]:
    """See free_slots."""
    check_range(first, last)
    now = now or utcnow()
    practitioners = [p for p in practitioners_for(therapy) if practitioner_id in (None, p.user_id)]
    resources = resources_for(therapy)
    if not practitioners or not resources:
        return []
    ids = [p.user_id for p in practitioners]
    hours = _hours(ids, first, last)
    clinic = _clinic_hours(first, last)
    busy_by_day = _busy(ids, [r.id for r in resources], patient_id, first, last, ignore_booking_id)
    pure_resources = [scheduling.Resource(r.id, r.capacity) for r in resources]
    zone, local_now = clinic_zone(), to_local(now)
    found = []
    day = first
    while day <= last:
        origin = _utc_midnight(zone, day)
        slots = scheduling.free_slots(
            day,
            therapy.minutes,
            hours,
            pure_resources,
            busy_by_day(day),
            clinic,
            local_now,
            origin=origin,
        )
        if origin is None:  # a clock change that day: convert each
            found += [
                FreeSlot(to_utc(s.start), to_utc(s.end), s.practitioner_id, s.resource_id)
                for s in slots
            ]
        else:
            found += slots  # already on UTC
        day += timedelta(days=1)
    return found


def _utc_midnight(zone: ZoneInfo, day: date) -> datetime | None:
    """Local midnight as aware UTC, for a day with one UTC offset throughout; else None."""
    midnight = datetime.combine(day, datetime.min.time())
    offset = zone.utcoffset(midnight)
    if offset is None or offset != zone.utcoffset(midnight + timedelta(days=1)):
        return None
    return midnight.replace(tzinfo=UTC) - offset


def _fixed_offset(zone: ZoneInfo, first: date, last: date) -> timedelta | None:
    """The zone's UTC offset when it is the same from `first` to `last`; else None."""
    start = datetime.combine(first, datetime.min.time())
    end = datetime.combine(last + timedelta(days=1), datetime.min.time())
    offset = zone.utcoffset(start)
    return offset if offset == zone.utcoffset(end) else None


def _templates(ids: list) -> dict:
    """Weekly templates of the practitioners `ids` (None: the clinic) in one query."""
    column = WorkingHours.practitioner_id
    where = column.is_(None) if ids == [None] else column.in_(ids)
    weekly: defaultdict[int | None, defaultdict[int, list]] = defaultdict(lambda: defaultdict(list))
    for row in db.session.scalars(select(WorkingHours).where(where).order_by(WorkingHours.starts)):
        weekly[row.practitioner_id][row.weekday].append((row.starts, row.ends))
    return {pid: dict(weekly[pid]) for pid in ids}


def _exceptions(ids: list, first: date, last: date) -> dict:
    """Days that differ, per practitioner (None: the clinic), in one query."""
    column = ScheduleException.practitioner_id
    where = column.is_(None) if ids == [None] else column.in_(ids)
    found: defaultdict[int | None, dict] = defaultdict(dict)
    for row in db.session.scalars(
        select(ScheduleException).where(where, ScheduleException.day.between(first, last))
    ):
        days = found[row.practitioner_id]
        days.setdefault(row.day, [])
        if row.closed:
            days[row.day] = None  # closed wins over other hours the same day
        elif days[row.day] is not None:
            days[row.day].append((row.starts, row.ends))
    return {pid: {day: sorted(spans or []) for day, spans in found[pid].items()} for pid in ids}


def _hours(ids: list, first: date, last: date) -> dict:
    templates, exceptions = _templates(ids), _exceptions(ids, first, last)
    return {pid: scheduling.WorkingHours(templates[pid], exceptions[pid]) for pid in ids}


def day_windows(practitioner_id: int, day: date) -> tuple[list, list]:
    """The practitioner's and the clinic's working windows that day (local intervals)."""
    hours = _hours([practitioner_id], day, day)[practitioner_id]
    return hours.windows(day), _clinic_hours(day, day).windows(day)


def _clinic_hours(first: date, last: date) -> scheduling.WorkingHours:
    return _hours([None], first, last)[None]


def _busy(practitioner_ids, resource_ids, patient_id, first, last, ignore_booking_id):
    """Live bookings in the range, sorted into per-day Busy values."""
    start = to_utc(datetime.combine(first, datetime.min.time()))
    end = to_utc(datetime.combine(last + timedelta(days=1), datetime.min.time()))
    holders = [Booking.practitioner_id.in_(practitioner_ids), Booking.resource_id.in_(resource_ids)]
    if patient_id is not None:
        holders.append(Booking.patient_id == patient_id)
    # Core, not ORM: plain rows for 2,000 bookings without the ORM's per-row loading.
    rows = (
        db.session.connection()
        .execute(
            select(
                Booking.practitioner_id,
                Booking.resource_id,
                Booking.seat,
                Booking.patient_id,
                Booking.starts_at,
                Booking.ends_at,
                Booking.travel_minutes,
            ).where(
                Booking.status.in_(LIVE_STATUSES),
                Booking.starts_at < end,
                Booking.ends_at > start,
                Booking.id != (ignore_booking_id or 0),
                or_(*holders),
            )
        )
        .all()
    )
    per_day, zone = defaultdict(list), clinic_zone()
    fixed = _fixed_offset(zone, first, last)
    for row in rows:
        if fixed is not None:  # one offset all along: add it rather than convert each time
            begins = row.starts_at.replace(tzinfo=None) + fixed
            ends = begins + (row.ends_at - row.starts_at)
        else:
            begins = row.starts_at.astimezone(zone).replace(tzinfo=None)
            ends = row.ends_at.astimezone(zone).replace(tzinfo=None)
        per_day[begins.date()].append((row, scheduling.Interval(begins, ends)))
    return lambda day: _busy_for(per_day.get(day, []), patient_id)


def _busy_for(entries, patient_id) -> scheduling.Busy:
    """A home visit (no bed or room) holds its practitioner for its travel there and back too."""
    practitioner, resource, patient = defaultdict(list), defaultdict(list), []
    seats: defaultdict[int, defaultdict[int, list]] = defaultdict(lambda: defaultdict(list))
    for row, interval in entries:
        if row.resource_id is None:
            practitioner[row.practitioner_id].append(padded(interval, row.travel_minutes))
        else:
            practitioner[row.practitioner_id].append(interval)
            resource[row.resource_id].append(interval)
            seats[row.resource_id][row.seat].append(interval)
        if row.patient_id == patient_id:
            patient.append(interval)
    return scheduling.Busy(dict(practitioner), dict(resource), tuple(patient), dict(seats))
