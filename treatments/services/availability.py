"""Free treatment slots: load hours, exceptions and live bookings for a date range, then ask the
pure scheduler day by day. Times are the clinic's local time inside, aware UTC outside."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, type_coerce

from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow
from tcm_app.services import clock
from treatments import scheduling
from treatments.booking_rules import LIVE_STATUSES
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


def free_slots(
    therapy: Therapy,
    first: date,
    last: date,
    practitioner_id: int | None = None,
    patient_id: int | None = None,
    now: datetime | None = None,
    ignore_booking_id: int | None = None,
) -> list[FreeSlot]:
    """Every free start for the therapy from `first` to `last` (clinic dates, inclusive).

    A month's search runs on every request of a threaded worker. It works on plain numbers:
    bookings become minute masks per day straight from their rows (no object per booking), and
    each day's candidates are integer operations; the only objects it builds in bulk are the
    slots it returns. So it adds little for the cyclic collector to trace, and needs no pause of
    the collector (which would pause it for every thread of the process)."""
    found: list[FreeSlot] = []
    for slots in _free_by_day(
        therapy, first, last, practitioner_id, patient_id, now, ignore_booking_id
    ):
        found += slots
    return found


def first_free_day(
    therapy: Therapy,
    first: date,
    last: date,
    practitioner_id: int | None = None,
    patient_id: int | None = None,
) -> list[FreeSlot]:
    """The free starts of the first day from `first` to `last` that has any ([] if none). The
    booking page shows one day: the day asked for is read alone (it nearly always has free
    times), the rest of the range only when it has none, and worked out up to its first day
    with some."""
    check_range(first, last)
    for start, end in ((first, first), (first + timedelta(days=1), last)):
        if start > end:
            break
        for slots in _free_by_day(therapy, start, end, practitioner_id, patient_id):
            if slots:
                return slots
    return []


def _free_by_day(
    therapy: Therapy,
    first: date,
    last: date,
    practitioner_id: int | None = None,
    patient_id: int | None = None,
    now: datetime | None = None,
    ignore_booking_id: int | None = None,
) -> Iterator[list[FreeSlot]]:
    """free_slots day by day: each day's free starts (on UTC), from `first` to `last`."""
    check_range(first, last)
    now = now or utcnow()
    practitioners = [p for p in practitioners_for(therapy) if practitioner_id in (None, p.user_id)]
    resources = resources_for(therapy)
    if not practitioners or not resources:
        return
    ids = [p.user_id for p in practitioners]
    hours = _hours([*ids, None], first, last)
    clinic = hours.pop(None)
    booked = day_masks(ids, [r.id for r in resources], patient_id, first, last, ignore_booking_id)
    pure_resources = [scheduling.Resource(r.id, r.capacity) for r in resources]
    zone, local_now = clinic_zone(), to_local(now)
    for day, masks in zip(_days(first, last), booked, strict=True):
        day_start = datetime.combine(day, time())
        origin = _utc_midnight(zone, day)
        slots = scheduling.free_slots_in_day(
            therapy.minutes,
            {pid: working.seconds(day) for pid, working in hours.items()},
            pure_resources,
            masks,
            clinic.seconds(day),
            (local_now - day_start).total_seconds(),
            origin or day_start,
        )
        if origin is None:  # a clock change that day: convert each
            yield [
                FreeSlot(to_utc(s.start), to_utc(s.end), s.practitioner_id, s.resource_id)
                for s in slots
            ]
        else:
            yield slots  # already on UTC


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


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


def _among(column, ids: list):
    """`column` is one of `ids`, where None stands for the clinic (SQL's IN never matches NULL)."""
    people = [pid for pid in ids if pid is not None]
    return or_(column.in_(people), column.is_(None)) if None in ids else column.in_(people)


def _templates(ids: list) -> dict:
    """Weekly templates of the practitioners `ids` (None: the clinic) in one query."""
    where = _among(WorkingHours.practitioner_id, ids)
    weekly: defaultdict[int | None, defaultdict[int, list]] = defaultdict(lambda: defaultdict(list))
    rows = db.session.execute(
        select(
            WorkingHours.practitioner_id,
            WorkingHours.weekday,
            WorkingHours.starts,
            WorkingHours.ends,
        )
        .where(where)
        .order_by(WorkingHours.starts)
    )
    for practitioner_id, weekday, starts, ends in rows:
        weekly[practitioner_id][weekday].append((starts, ends))
    return {pid: dict(weekly[pid]) for pid in ids}


def _exceptions(ids: list, first: date, last: date) -> dict:
    """Days that differ, per practitioner (None: the clinic), in one query."""
    where = _among(ScheduleException.practitioner_id, ids)
    found: defaultdict[int | None, dict] = defaultdict(dict)
    rows = db.session.execute(
        select(
            ScheduleException.practitioner_id,
            ScheduleException.day,
            ScheduleException.closed,
            ScheduleException.starts,
            ScheduleException.ends,
        ).where(where, ScheduleException.day.between(first, last))
    )
    for practitioner_id, day, closed, starts, ends in rows:
        days = found[practitioner_id]
        days.setdefault(day, [])
        if closed:
            days[day] = None  # closed wins over other hours the same day
        elif days[day] is not None:
            days[day].append((starts, ends))
    return {pid: {day: sorted(spans or []) for day, spans in found[pid].items()} for pid in ids}


def _hours(ids: list, first: date, last: date) -> dict:
    templates, exceptions = _templates(ids), _exceptions(ids, first, last)
    return {pid: scheduling.WorkingHours(templates[pid], exceptions[pid]) for pid in ids}


def day_windows(practitioner_id: int, day: date) -> tuple[list, list]:
    """The practitioner's and the clinic's working windows that day (local intervals)."""
    hours = _hours([practitioner_id, None], day, day)
    return hours[practitioner_id].windows(day), hours[None].windows(day)


def _clinic_hours(first: date, last: date) -> scheduling.WorkingHours:
    return _hours([None], first, last)[None]


def day_masks(
    practitioner_ids, resource_ids, patient_id, first: date, last: date, ignore_booking_id=None
) -> list[scheduling.DayMasks]:
    """Live bookings in the range as minute masks, one DayMasks per day from `first` to `last`:
    by practitioner, by (resource, seat) and the patient's own. A booking counts on the clinic
    day it starts, clipped to that day. A home visit (no bed or room) holds its practitioner for
    its travel there and back too."""
    start = to_utc(datetime.combine(first, time()))
    end = to_utc(datetime.combine(last + timedelta(days=1), time()))
    holders = [Booking.practitioner_id.in_(practitioner_ids), Booking.resource_id.in_(resource_ids)]
    if patient_id is not None:
        holders.append(Booking.patient_id == patient_id)
    # Core, not ORM: plain rows. The times as the driver gives them, without UTCDateTime's
    # conversion of each value (2,000 bookings: half the cost of reading them).
    rows = (
        db.session.connection()
        .execute(
            select(
                Booking.practitioner_id,
                Booking.resource_id,
                Booking.seat,
                Booking.patient_id,
                type_coerce(Booking.starts_at, UTCDateTime.impl),
                type_coerce(Booking.ends_at, UTCDateTime.impl),
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
    days = (last - first).days + 1
    practitioner: list[dict] = [{} for _ in range(days)]
    seats: list[dict] = [{} for _ in range(days)]
    patient = [0] * days
    rows, origin = _on_local_clock(rows, first, last)
    span_mask = scheduling.span_mask
    for practitioner_id, resource_id, seat, booked_patient, starts_at, ends_at, travel in rows:
        starts = (starts_at - origin).total_seconds()  # since local midnight of `first`
        day = int(starts // DAY_SECONDS)
        if not 0 <= day < days:
            continue
        # Seconds after that day's midnight (the end may be past it: span_mask clips).
        starts -= day * DAY_SECONDS
        ends = (ends_at - origin).total_seconds() - day * DAY_SECONDS
        visit = span_mask(starts, ends)
        held = practitioner[day]
        if resource_id is None:
            leg = travel * 60
            held[practitioner_id] = held.get(practitioner_id, 0) | span_mask(
                starts - leg, ends + leg
            )
        else:
            held[practitioner_id] = held.get(practitioner_id, 0) | visit
            on_seat = seats[day]
            on_seat[resource_id, seat] = on_seat.get((resource_id, seat), 0) | visit
        if booked_patient == patient_id:
            patient[day] |= visit
    return [scheduling.DayMasks(*masks) for masks in zip(practitioner, seats, patient, strict=True)]


DAY_SECONDS = 24 * 3600


def _on_local_clock(rows, first: date, last: date) -> tuple[list, datetime]:
    """The rows, and the moment their times count from: local midnight of `first`. The times are
    as the driver gives them (naive UTC on SQLite, which keeps no zone, as UTCDateTime stores
    them; aware elsewhere). With one UTC offset all along, the rows stay as they are and the
    moment is on their clock; across a clock change, each time is turned into local time."""
    zone = clinic_zone()
    naive_utc = db.session.get_bind().dialect.name == "sqlite"
    local_midnight = datetime.combine(first, time())
    if _fixed_offset(zone, first, last) is not None:
        origin = to_utc(local_midnight)
        return rows, origin.replace(tzinfo=None) if naive_utc else origin

    def local(moment: datetime) -> datetime:
        return to_local(moment.replace(tzinfo=UTC) if naive_utc else moment)

    return [(*row[:4], local(row[4]), local(row[5]), row[6]) for row in rows], local_midnight
