"""The therapy catalogue, practitioners with their qualifications and hours, clinic hours and
holidays, beds and rooms: loading, listing and matching them to a therapy."""

import secrets
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from flask import current_app
from sqlalchemy import func, select

from tcm_app.common.errors import NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.types import utcnow
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

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "therapies.yaml"
PRACTITIONER_ROLES = (Role.DOCTOR, Role.CLINIC)
EXCEPTION_REASONS = ("leave", "holiday", "training", "other")


def import_therapies(path: Path = DATA_FILE) -> int:
    """Insert or update the catalogue's therapies by code; flushes. Returns rows loaded."""
    rows = _catalogue_rows(path)
    for raw in rows:
        row = therapy_row(raw)
        therapy = db.session.scalar(select(Therapy).where(Therapy.code == row.code)) or Therapy(
            code=row.code
        )
        therapy.name, therapy.name_en, therapy.minutes = row.name, row.name_en, row.minutes
        therapy.resource_kind, therapy.equipment = row.resource_kind, list(row.equipment)
        therapy.qualification, therapy.price = row.qualification, row.price
        therapy.contraindications, therapy.source = row.contraindications, row.source
        db.session.add(therapy)
    db.session.flush()
    return len(rows)


def _catalogue_rows(path: Path) -> list[dict]:
    """The file's rows, or ValueError saying what is wrong with the file as a whole."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name} is not valid YAML: {exc}") from exc
    rows = data.get("therapies") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ValueError(f"{path.name} needs a list of therapies under 'therapies:'")
    return rows


def active_therapies() -> list[Therapy]:
    return list(db.session.scalars(select(Therapy).where(Therapy.active).order_by(Therapy.id)))


def therapy_by_code(code) -> Therapy:
    therapy = db.session.scalar(select(Therapy).where(Therapy.code == str(code), Therapy.active))
    if therapy is None:
        raise NotFoundError(f"no therapy {code!r}", code="unknown_therapy")
    return therapy


def add_resource(code: str, name: str, kind: str, capacity: int = 1, equipment=()):
    if kind not in ("bed", "room") or not 1 <= capacity <= 50:
        raise ValidationError("a bed or room with a capacity of 1 to 50", code="bad_resource")
    resource = TreatmentResource(
        code=code, name=name, kind=kind, capacity=capacity, equipment=list(equipment)
    )
    db.session.add(resource)
    db.session.flush()
    return resource


def resources_for(therapy: Therapy) -> list[TreatmentResource]:
    """Active beds or rooms of the therapy's kind that have all the equipment it needs."""
    rows = db.session.scalars(
        select(TreatmentResource)
        .where(TreatmentResource.kind == therapy.resource_kind, TreatmentResource.active)
        .order_by(TreatmentResource.id)
    )
    needed = set(therapy.equipment or ())
    return [r for r in rows if needed <= set(r.equipment or ())]


def make_practitioner(user: User, qualifications) -> Practitioner:
    if user.role not in PRACTITIONER_ROLES:
        raise ValidationError("practitioners are doctors or clinic staff", code="bad_role")
    practitioner = db.session.get(Practitioner, user.id) or Practitioner(
        user_id=user.id, calendar_token=secrets.token_urlsafe(24)
    )
    practitioner.qualifications = sorted(set(qualifications))
    db.session.add(practitioner)
    db.session.flush()
    return practitioner


def practitioners_for(therapy: Therapy) -> list[Practitioner]:
    rows = db.session.scalars(
        select(Practitioner).where(Practitioner.active).order_by(Practitioner.user_id)
    )
    return [p for p in rows if therapy.qualification in (p.qualifications or ())]


def practitioner(user_id) -> Practitioner:
    found = db.session.get(Practitioner, user_id) if str(user_id).isdigit() else None
    if found is None or not found.active:
        raise NotFoundError("no such practitioner", code="unknown_practitioner")
    return found


def set_weekly_hours(practitioner_id: int | None, weekday: int, spans) -> None:
    """Replace one weekday's template (practitioner None: the clinic's opening hours)."""
    if not 0 <= weekday <= 6 or any(not isinstance(a, time) or b <= a for a, b in spans):
        raise ValidationError("hours need a weekday 0-6 and spans that end after they start")
    for row in db.session.scalars(
        select(WorkingHours).where(
            WorkingHours.practitioner_id.is_(None)
            if practitioner_id is None
            else WorkingHours.practitioner_id == practitioner_id,
            WorkingHours.weekday == weekday,
        )
    ):
        db.session.delete(row)
    for a, b in spans:
        db.session.add(
            WorkingHours(practitioner_id=practitioner_id, weekday=weekday, starts=a, ends=b)
        )
    db.session.flush()


def add_exception(
    practitioner_id: int | None, day: date, reason: str, spans=(), note: str = ""
) -> list[ScheduleException]:
    """Leave or a clinic holiday (no spans: closed all day), or other hours that day."""
    if reason not in EXCEPTION_REASONS or any(b <= a for a, b in spans):
        raise ValidationError("a reason (leave, holiday, training, other) and valid hours")
    rows = [
        ScheduleException(
            practitioner_id=practitioner_id,
            day=day,
            closed=False,
            starts=a,
            ends=b,
            reason=reason,
            note=note,
        )
        for a, b in spans
    ] or [
        ScheduleException(
            practitioner_id=practitioner_id, day=day, closed=True, reason=reason, note=note
        )
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


# Admin pages (treatments/views/admin.py): edits, listings, the bookings a closure touches.
PROBLEM_FIELDS = {
    "missing_name": "name",
    "missing_minutes": "minutes",
    "bad_minutes": "minutes",
    "bad_resource_kind": "resource_kind",
    "missing_qualification": "qualification",
    "bad_price": "price",
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
)
MAX_CLOSED_DAYS = 92


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
    if first < utcnow().astimezone(_zone()).date():
        raise ValidationError("in the past", code="day_in_past", fields={"first": ["day_in_past"]})
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
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


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
