"""Setting up the treatment clinic (the admin pages): editing therapies, beds and rooms,
practitioners, weekly hours and days off, and finding the live bookings a closure would touch
(the desk moves them; nothing is cancelled automatically)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tcm_app.common.errors import NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.types import utcnow
from tcm_app.services import clock
from tcm_app.services.audit import record_audit
from treatments.booking_rules import LIVE_STATUSES
from treatments.catalogue import therapy_problems, therapy_row
from treatments.models import (
    Booking,
    Practitioner,
    ScheduleException,
    Therapy,
    TreatmentResource,
    WorkingHours,
)
from treatments.services.catalogue import (
    PRACTITIONER_ROLES,
    add_exception,
    add_resource,
    make_practitioner,
    set_weekly_hours,
)

PROBLEM_FIELDS = {
    "missing_name": "name",
    "missing_minutes": "minutes",
    "bad_minutes": "minutes",
    "bad_resource_kind": "resource_kind",
    "missing_qualification": "qualification",
    "bad_price": "price",
    "bad_home_minutes": "home_minutes",
    "bad_home_fee": "home_fee",
}
THERAPY_FIELDS = (
    "name",
    "name_en",
    "minutes",
    "resource_kind",
    "equipment",
    "qualification",
    "price",
    "contraindications",
    "active",
    "home_available",
    "home_minutes",
    "home_fee",
)
MAX_CLOSED_DAYS = 92
MAX_DAYS_AHEAD = 730  # days off are planned at most two years ahead


def all_therapies() -> list[Therapy]:
    return list(db.session.scalars(select(Therapy).order_by(Therapy.id)))


def qualification_codes() -> list[str]:
    """The qualifications therapies ask for (the choices for a practitioner)."""
    return sorted(set(db.session.scalars(select(Therapy.qualification))))


def update_therapy(therapy: Therapy, values: dict, actor) -> Therapy:
    """Apply an admin's edit, checked by the same rules as the data file; audited."""
    row = {"code": therapy.code, **values}
    problems = therapy_problems(row)
    if problems:
        fields: dict = {}
        for problem in problems:
            fields.setdefault(PROBLEM_FIELDS.get(problem, "contraindications"), []).append(problem)
        raise ValidationError(f"therapy: {', '.join(problems)}", code=problems[0], fields=fields)
    clean = therapy_row(row)
    before = {key: str(getattr(therapy, key)) for key in THERAPY_FIELDS}
    therapy.name, therapy.name_en, therapy.minutes = clean.name, clean.name_en, clean.minutes
    therapy.resource_kind, therapy.equipment = clean.resource_kind, list(clean.equipment)
    therapy.qualification, therapy.price = clean.qualification, clean.price
    therapy.contraindications, therapy.active = clean.contraindications, bool(values["active"])
    therapy.home_available = clean.home_minutes is not None
    therapy.home_minutes, therapy.home_fee = clean.home_minutes, clean.home_fee
    after = {key: str(getattr(therapy, key)) for key in THERAPY_FIELDS}
    changed = {k: [before[k], after[k]] for k in THERAPY_FIELDS if before[k] != after[k]}
    record_audit("therapy_update", "therapy", therapy.id, f"edited {therapy.code}", changed, actor)
    return therapy


def all_resources() -> list[TreatmentResource]:
    return list(db.session.scalars(select(TreatmentResource).order_by(TreatmentResource.id)))


def seats_in_use(resource_id: int, now: datetime | None = None) -> int:
    """How many seats future live bookings hold on the bed or room (highest seat + 1)."""
    top = db.session.scalar(
        select(func.max(Booking.seat)).where(
            Booking.resource_id == resource_id,
            Booking.status.in_([s.value for s in LIVE_STATUSES]),
            Booking.ends_at > (now or utcnow()),
        )
    )
    return 0 if top is None else top + 1


def set_resource(resource: TreatmentResource | None, values: dict, actor) -> TreatmentResource:
    """Add (resource None) or edit a bed or room; the capacity may not drop below the seats
    that future bookings hold (they would lose their place). Audited."""
    if resource is None:
        if db.session.scalar(select(TreatmentResource.id).filter_by(code=values["code"])):
            raise ValidationError(
                "code in use", code="resource_code_taken", fields={"code": ["resource_code_taken"]}
            )
        resource = add_resource(
            values["code"], values["name"], values["kind"], values["capacity"], values["equipment"]
        )
        record_audit(
            "resource_add",
            "treatment_resource",
            resource.id,
            f"added {resource.code}",
            values,
            actor,
        )
        return resource
    in_use = seats_in_use(resource.id)
    if values["capacity"] < in_use:
        raise ValidationError(
            f"future bookings hold {in_use} seats",
            code="capacity_in_use",
            fields={"capacity": ["capacity_in_use"]},
        )
    if values["kind"] != resource.kind and in_use:
        raise ValidationError(
            "bookings use it", code="kind_in_use", fields={"kind": ["kind_in_use"]}
        )
    resource.name, resource.kind, resource.capacity = (
        values["name"],
        values["kind"],
        values["capacity"],
    )
    resource.equipment = list(values["equipment"])
    record_audit(
        "resource_update",
        "treatment_resource",
        resource.id,
        f"edited {resource.code}",
        values,
        actor,
    )
    return resource


def set_resource_active(resource: TreatmentResource, active: bool, actor) -> int:
    """Take a bed or room out of (or back into) booking; returns the seats future bookings
    still hold on it, which the desk moves by hand."""
    resource.active = active
    record_audit(
        "resource_active", "treatment_resource", resource.id, f"active={active}", {}, actor
    )
    return seats_in_use(resource.id)


def candidate_staff() -> list[User]:
    """Staff who may treat in person (doctors, clinic accounts), active ones."""
    return list(
        db.session.scalars(
            select(User).where(User.role.in_(PRACTITIONER_ROLES), User.active).order_by(User.id)
        )
    )


def all_practitioners() -> list[Practitioner]:
    return list(db.session.scalars(select(Practitioner).order_by(Practitioner.user_id)))


def save_practitioner(user: User, qualifications, actor) -> Practitioner:
    """Make a staff user a practitioner, or change the qualifications; only known codes."""
    unknown = sorted(set(qualifications) - set(qualification_codes()))
    if unknown:
        raise ValidationError(
            f"unknown qualification {unknown}",
            code="unknown_qualification",
            fields={"qualifications": ["unknown_qualification"]},
        )
    found = make_practitioner(user, qualifications)
    record_audit(
        "practitioner_save",
        "practitioner",
        user.id,
        user.username,
        {"q": found.qualifications},
        actor,
    )
    return found


def set_practitioner_active(found: Practitioner, active: bool, actor) -> None:
    found.active = active
    record_audit(
        "practitioner_active", "practitioner", found.user_id, f"active={active}", {}, actor
    )


def weekly_hours(practitioner_id: int | None) -> dict[int, list[tuple[time, time]]]:
    """The weekly template: weekday → sorted spans (practitioner None: clinic hours)."""
    column = WorkingHours.practitioner_id
    where = column.is_(None) if practitioner_id is None else column == practitioner_id
    weekly: dict = {day: [] for day in range(7)}
    for row in db.session.scalars(select(WorkingHours).where(where).order_by(WorkingHours.starts)):
        weekly[row.weekday].append((row.starts, row.ends))
    return weekly


def save_week(practitioner_id: int | None, week: dict, actor) -> None:
    """Replace the whole weekly template (weekday → spans); audited."""
    for weekday in range(7):
        set_weekly_hours(practitioner_id, weekday, week.get(weekday, []))
    shown = {day: [f"{a:%H:%M}-{b:%H:%M}" for a, b in spans] for day, spans in week.items()}
    record_audit(
        "hours_set", "practitioner", practitioner_id or "clinic", "weekly hours", shown, actor
    )


def upcoming_exceptions(practitioner_id: int | None, since: date) -> list[ScheduleException]:
    column = ScheduleException.practitioner_id
    where = column.is_(None) if practitioner_id is None else column == practitioner_id
    return list(
        db.session.scalars(
            select(ScheduleException)
            .where(where, ScheduleException.day >= since)
            .order_by(ScheduleException.day, ScheduleException.starts)
        )
    )


def add_days_off(practitioner_id, first: date, last: date, reason: str, note: str, actor, spans=()):
    """Leave or a clinic holiday (one closed day each, no spans) or other hours on one day;
    refused over days that already differ from the template (remove those first). Audited."""
    if last < first or (last - first).days >= MAX_CLOSED_DAYS:
        raise ValidationError("bad date range", code="bad_days", fields={"last": ["bad_days"]})
    today = clock.clinic_today()
    if first < today:
        raise ValidationError("in the past", code="day_in_past", fields={"first": ["day_in_past"]})
    if (last - today).days > MAX_DAYS_AHEAD:
        raise ValidationError("too far ahead", code="bad_days", fields={"last": ["bad_days"]})
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    column = ScheduleException.practitioner_id
    taken = db.session.scalars(
        select(ScheduleException.day).where(
            column.is_(None) if practitioner_id is None else column == practitioner_id,
            ScheduleException.day.between(first, last),
        )
    ).all()
    if taken:
        raise ValidationError(
            f"days already changed: {sorted(set(taken))}",
            code="exception_exists",
            fields={"first": ["exception_exists"]},
        )
    for day in days:
        add_exception(practitioner_id, day, reason, spans, note)
    record_audit(
        "exception_add",
        "practitioner",
        practitioner_id or "clinic",
        f"{reason} {first}..{last}",
        {"spans": [f"{a:%H:%M}-{b:%H:%M}" for a, b in spans], "note": note},
        actor,
    )
    return days


def remove_exception(exception_id: int, actor) -> ScheduleException:
    row = db.session.get(ScheduleException, exception_id)
    if row is None:
        raise NotFoundError("no such exception", code="unknown_exception")
    record_audit(
        "exception_remove",
        "practitioner",
        row.practitioner_id or "clinic",
        f"removed {row.reason} {row.day}",
        {"closed": row.closed},
        actor,
    )
    db.session.delete(row)
    db.session.flush()
    return row


def bookings_touched(practitioner_id: int | None, first: date, last: date, spans=()):
    """Live bookings on those clinic days (of one practitioner, or all for the clinic) that the
    new hours do not cover, so the desk can move them; nothing is cancelled here."""
    zone = _zone()
    start = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    query = select(Booking).where(
        Booking.status.in_([s.value for s in LIVE_STATUSES]),
        Booking.starts_at >= start,
        Booking.starts_at < end,
    )
    if practitioner_id is not None:
        query = query.where(Booking.practitioner_id == practitioner_id)
    found = db.session.scalars(query.order_by(Booking.starts_at)).all()
    return [b for b in found if not _inside(b, spans, zone)]


def _inside(booking: Booking, spans, zone) -> bool:
    local_start = booking.starts_at.astimezone(zone).time()
    local_end = booking.ends_at.astimezone(zone).time()
    return any(a <= local_start and local_end <= b for a, b in spans)


def _zone() -> ZoneInfo:
    return clock.clinic_zone()


def upcoming_all(since: date, limit: int = 60) -> list[ScheduleException]:
    """Every practitioner's and the clinic's exceptions from `since`, soonest first."""
    return list(
        db.session.scalars(
            select(ScheduleException)
            .where(ScheduleException.day >= since)
            .order_by(ScheduleException.day, ScheduleException.practitioner_id)
            .limit(limit)
        )
    )
