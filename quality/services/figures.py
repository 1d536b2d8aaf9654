"""The daily figures per doctor, department and the hospital (quality/rules.py FIGURES says what
each one means): computed in SQL, one GROUP BY per source (visits, text consults, video calls,
ratings, complaints, prescriptions) over the clinic day's [start, end) in UTC, then the small
per-(doctor, department) sums are added up by scope. Each computation is a `FigureRun` with its
rows; a day is computed once by the beat task, a recompute (the CLI) adds a newer run, and the
latest run is what the page and the exports show. Nothing is overwritten or deleted."""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, insert, literal, select
from sqlalchemy.sql import ColumnElement

from consults.models import ConsultCall, TextConsult
from herbs.models import Prescription, PrescriptionRenewal
from quality import rules
from quality.models import Complaint, DailyFigure, FigureRun, Rating
from tcm_app.common.online_care import EncounterStatus
from tcm_app.extensions import db
from tcm_app.models.accounts import Department, DoctorProfile, User
from tcm_app.models.encounters import Encounter
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_zone, utc_now

Key = tuple[int | None, int | None]  # (doctor id, department id)
SUMS = tuple(rules.Tally.__dataclass_fields__)


def seconds_between(start, end) -> ColumnElement:
    """`end - start` in seconds, in the database's own arithmetic."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _visits(start: datetime, end: datetime):
    seconds = seconds_between(Encounter.started_at, Encounter.completed_at)
    return (
        select(
            Encounter.doctor_id,
            Encounter.department_id,
            func.count(),
            func.coalesce(func.sum(seconds), 0),
            func.count(Encounter.started_at),
        )
        .where(
            Encounter.status == EncounterStatus.COMPLETED.value,
            Encounter.completed_at >= start,
            Encounter.completed_at < end,
        )
        .group_by(Encounter.doctor_id, Encounter.department_id)
    )


def _text_responses(start: datetime, end: datetime):
    seconds = seconds_between(TextConsult.opened_at, TextConsult.first_reply_at)
    return (
        select(Encounter.doctor_id, Encounter.department_id, func.count(), func.sum(seconds))
        .select_from(TextConsult)
        .join(Encounter, Encounter.id == TextConsult.encounter_id)
        .where(TextConsult.first_reply_at >= start, TextConsult.first_reply_at < end)
        .group_by(Encounter.doctor_id, Encounter.department_id)
    )


def _video_responses(start: datetime, end: datetime):
    seconds = seconds_between(ConsultCall.waiting_since, ConsultCall.started_at)
    return (
        select(Encounter.doctor_id, Encounter.department_id, func.count(), func.sum(seconds))
        .select_from(ConsultCall)
        .join(Encounter, Encounter.id == ConsultCall.encounter_id)
        .where(
            ConsultCall.waiting_since.is_not(None),
            ConsultCall.started_at >= start,
            ConsultCall.started_at < end,
        )
        .group_by(Encounter.doctor_id, Encounter.department_id)
    )


def _missed(start: datetime, end: datetime):
    return (
        select(Encounter.doctor_id, Encounter.department_id, func.count())
        .select_from(TextConsult)
        .join(Encounter, Encounter.id == TextConsult.encounter_id)
        .where(
            TextConsult.close_reason == "unanswered",
            TextConsult.closed_at >= start,
            TextConsult.closed_at < end,
        )
        .group_by(Encounter.doctor_id, Encounter.department_id)
    )


def _ratings(start: datetime, end: datetime):
    return (
        select(Rating.doctor_id, Rating.department_id, func.count(), func.sum(Rating.score))
        .where(Rating.rated_at >= start, Rating.rated_at < end, Rating.removed_at.is_(None))
        .group_by(Rating.doctor_id, Rating.department_id)
    )


def _complaints(start: datetime, end: datetime):
    return (
        select(Complaint.doctor_id, Complaint.department_id, func.count())
        .where(Complaint.filed_at >= start, Complaint.filed_at < end)
        .group_by(Complaint.doctor_id, Complaint.department_id)
    )


def _prescriptions(start: datetime, end: datetime):
    return (
        select(
            Prescription.doctor_id,
            Encounter.department_id,
            func.count(Prescription.id),
            func.count(PrescriptionRenewal.id),
        )
        .select_from(Prescription)
        .join(Encounter, Encounter.id == Prescription.encounter_id)
        .outerjoin(PrescriptionRenewal, PrescriptionRenewal.new_prescription_id == Prescription.id)
        .where(Prescription.signed_at >= start, Prescription.signed_at < end)
        .group_by(Prescription.doctor_id, Encounter.department_id)
    )


# Each source query and the tally fields its value columns add to, in order.
SOURCES = (
    (_visits, ("visits", "visit_seconds", "visits_timed")),
    (_text_responses, ("responses", "response_seconds")),
    (_video_responses, ("responses", "response_seconds")),
    (_missed, ("missed_responses",)),
    (_ratings, ("ratings", "rating_total")),
    (_complaints, ("complaints",)),
    (_prescriptions, ("prescriptions", "renewals")),
)


def tallies(day: date) -> dict[Key, rules.Tally]:
    """The day's sums per (doctor, department), one aggregate query per source."""
    start, end = rules.clinic_day_bounds(day, clinic_zone())
    found: dict[Key, rules.Tally] = defaultdict(rules.Tally)
    for query, fields in SOURCES:
        for doctor_id, department_id, *values in db.session.execute(query(start, end)):
            tally = found[(doctor_id, department_id)]
            for name, value in zip(fields, values, strict=True):
                current = getattr(tally, name)  # PostgreSQL's epoch sums are Decimals
                setattr(tally, name, current + type(current)(value or 0))
    return found


@dataclass
class Scoped:
    scope: str
    scope_id: int | None
    department_id: int | None
    tally: rules.Tally = field(default_factory=rules.Tally)


def by_scope(found: dict[Key, rules.Tally], home: dict[int, int]) -> list[Scoped]:
    """The hospital's, each department's and each doctor's sums. A doctor's row is all their
    work whatever the department it was booked in, shown under their own department (`home`);
    a complaint naming no one counts for the hospital only."""
    hospital = Scoped("hospital", None, None)
    departments: dict[int, Scoped] = {}
    doctors: dict[int, Scoped] = {}
    for (doctor_id, department_id), tally in found.items():
        hospital.tally.add(tally)
        if department_id is not None:
            departments.setdefault(
                department_id, Scoped("department", department_id, department_id)
            ).tally.add(tally)
        if doctor_id is not None:
            doctors.setdefault(
                doctor_id, Scoped("doctor", doctor_id, home.get(doctor_id, department_id))
            ).tally.add(tally)
    return [hospital, *departments.values(), *doctors.values()]


def compute(day: date, trigger: str, actor: User | None = None) -> FigureRun:
    """Compute and keep the day's figures as a new run. Flushes."""
    began = time.perf_counter()
    found = tallies(day)
    doctor_ids = {d for d, _ in found if d is not None}
    home = dict(
        db.session.execute(
            select(DoctorProfile.user_id, DoctorProfile.department_id).where(
                DoctorProfile.user_id.in_(doctor_ids)
            )
        ).all()
    )
    scoped = by_scope(found, home)
    run = FigureRun(
        day=day, trigger=trigger, computed_by_id=actor.id if actor else None,
        computed_at=utc_now(), seconds=round(time.perf_counter() - began, 3),
    )  # fmt: skip
    db.session.add(run)
    db.session.flush()
    rows = [
        {"run_id": run.id, "day": day, "scope": s.scope, "scope_id": s.scope_id,
         "department_id": s.department_id, **{n: getattr(s.tally, n) for n in SUMS}}
        for s in scoped
    ]  # fmt: skip
    db.session.execute(insert(DailyFigure), rows)  # the runs and figures are append-only
    record_audit(
        "quality.figures_compute", "quality_figure_run", run.id, f"figures of {day}",
        {"day": day.isoformat(), "rows": len(rows), "trigger": trigger}, actor=actor,
    )  # fmt: skip
    return run


def latest_run(day: date) -> FigureRun | None:
    return db.session.scalar(
        select(FigureRun).where(FigureRun.day == day).order_by(FigureRun.id.desc()).limit(1)
    )


def compute_once(day: date) -> FigureRun | None:
    """The beat task's computation: the day's figures unless a run already exists (None). The
    demo's runs do not count: the demo previews a day that has not ended."""
    done = db.session.scalar(
        select(FigureRun.id).where(FigureRun.day == day, FigureRun.trigger != "demo").limit(1)
    )
    return None if done is not None else compute(day, "beat")


def runs_of(day: date) -> list[FigureRun]:
    return list(
        db.session.scalars(
            select(FigureRun).where(FigureRun.day == day).order_by(FigureRun.id.desc())
        )
    )


def computed_days(limit: int = 60) -> list[date]:
    return list(
        db.session.scalars(
            select(FigureRun.day)
            .group_by(FigureRun.day)
            .order_by(FigureRun.day.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Row:
    """One scope's published figures, with the names a reader needs."""

    scope: str
    scope_id: int | None
    department_code: str | None
    department_name: str | None
    doctor_name: str | None
    licence_number: str | None
    figures: dict
    tally: rules.Tally


def rows_of(run: FigureRun, doctor_id: int | None = None) -> list[Row]:
    """The run's rows, hospital first, then departments and doctors by name (a doctor's own
    row only when `doctor_id` is given)."""
    doctor = User.__table__.alias("doctor")
    query = (
        select(
            DailyFigure,
            Department.code,
            Department.name,
            doctor.c.full_name,
            DoctorProfile.licence_number,
        )
        .outerjoin(Department, Department.id == DailyFigure.department_id)
        .outerjoin(
            doctor, (DailyFigure.scope == literal("doctor")) & (doctor.c.id == DailyFigure.scope_id)
        )
        .outerjoin(
            DoctorProfile,
            (DailyFigure.scope == literal("doctor"))
            & (DoctorProfile.user_id == DailyFigure.scope_id),
        )
        .where(DailyFigure.run_id == run.id)
    )
    if doctor_id is not None:
        query = query.where(DailyFigure.scope == "doctor", DailyFigure.scope_id == doctor_id)
    order = {scope: i for i, scope in enumerate(rules.SCOPES)}
    rows = []
    for figure, code, dept_name, name, licence in db.session.execute(query):
        tally = rules.Tally(**{n: getattr(figure, n) for n in SUMS})
        rows.append(
            Row(
                figure.scope,
                figure.scope_id,
                code,
                dept_name,
                name,
                licence,
                rules.figures_of(tally),
                tally,
            )
        )
    return sorted(
        rows, key=lambda r: (order[r.scope], r.department_code or "", r.doctor_name or "")
    )


def doctor_history(doctor_id: int, days: int = 30) -> list[tuple[date, dict]]:
    """The doctor's own figures of the latest computed days, newest first."""
    result = []
    for day in computed_days(days):
        run = latest_run(day)
        if run is None:
            continue
        mine = rows_of(run, doctor_id)
        if mine:
            result.append((day, mine[0].figures))
    return result
