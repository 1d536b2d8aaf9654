"""The therapy catalogue, practitioners with their qualifications and hours, clinic hours and
holidays, beds and rooms: loading, listing and matching them to a therapy."""

import secrets
from datetime import date, time
from pathlib import Path

import yaml
from sqlalchemy import select

from tcm_app.common.errors import NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from treatments.booking_rules import TICK_MINUTES
from treatments.catalogue import therapy_row
from treatments.models import (
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
        therapy.home_available = row.home_minutes is not None
        therapy.home_minutes, therapy.home_fee = row.home_minutes, row.home_fee
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


def qualified_names(therapies: list[Therapy]) -> dict[str, dict[int, str]]:
    """Therapy code → {user id → name} of the active practitioners qualified for it, in user id
    order: what the booking pages list. One query, however many practitioners and therapies (a
    practitioner's user read one by one was a query each, for each therapy)."""
    if not therapies:
        return {}
    rows = db.session.execute(
        select(Practitioner.user_id, Practitioner.qualifications, User.full_name)
        .join(User, User.id == Practitioner.user_id)
        .where(Practitioner.active)
        .order_by(Practitioner.user_id)
    ).all()
    return {
        therapy.code: {
            user_id: name
            for user_id, qualifications, name in rows
            if therapy.qualification in (qualifications or ())
        }
        for therapy in therapies
    }


def practitioner(user_id) -> Practitioner:
    found = db.session.get(Practitioner, user_id) if str(user_id).isdigit() else None
    if found is None or not found.active:
        raise NotFoundError("no such practitioner", code="unknown_practitioner")
    return found


def _valid_span(start, end) -> bool:
    """A span ending after it starts, both on a 5-minute mark: a booking holds whole 5-minute
    ticks, so hours off the mark would offer starts that clash with the booking before."""
    return (
        isinstance(start, time)
        and isinstance(end, time)
        and end > start
        and all(t.minute % TICK_MINUTES == 0 and not t.second for t in (start, end))
    )


def set_weekly_hours(practitioner_id: int | None, weekday: int, spans) -> None:
    """Replace one weekday's template (practitioner None: the clinic's opening hours)."""
    if not 0 <= weekday <= 6 or not all(_valid_span(a, b) for a, b in spans):
        raise ValidationError(
            "hours need a weekday 0-6 and spans on 5-minute marks that end after they start"
        )
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
    if reason not in EXCEPTION_REASONS or not all(_valid_span(a, b) for a, b in spans):
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


def load_reference() -> str:
    """The shipped catalogue, for `flask import-reference` (registered in treatments/setup.py)."""
    return f"therapies: {import_therapies()}"
