"""The retention report: per kind of record, how many have passed their retention term and the
oldest of them. The core and each installed domain declare their kinds in their setup (the core
names no domain's table); the terms come from the rule table in tcm_app/common/retention.py.

The report never deletes and offers no deletion: what happens to a record past its term is for
a person to decide (the hospital's records office), outside this app. One aggregate query per
kind (COUNT and MIN over a date range), so the page costs the same however old the hospital."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask import current_app

from tcm_app.common.retention import RETENTION_YEARS, first_date_within_term
from tcm_app.extensions import db
from tcm_app.services.clock import clinic_zone


@dataclass(frozen=True)
class RetentionKind:
    """A kind of record and its retention: `dated_by` is the record's date (a Date or a UTC
    timestamp column); `kept_until`, when the record stores its own last day (retain_until),
    decides instead."""

    label: object  # a lazy translation
    category: str  # MEDICAL_RECORD or PROCESS_RECORD
    dated_by: Any  # a mapped column
    kept_until: Any = None  # a mapped Date column, or None


@dataclass(frozen=True)
class PastTerm:
    """One line of the report."""

    label: str
    category: str
    years: int
    count: int
    oldest: date | None  # the oldest record date among those past their term


def add_retention_kinds(app, *kinds: RetentionKind) -> None:
    app.extensions.setdefault("retention_kinds", []).extend(kinds)


def retention_kinds() -> list[RetentionKind]:
    return list(current_app.extensions.get("retention_kinds", []))


def past_term_report(today: date) -> list[PastTerm]:
    """Every declared kind, in declared order (kinds with none past their term too: the reader
    sees what the report covers)."""
    return [_past_term(kind, today) for kind in retention_kinds()]


def _past_term(kind: RetentionKind, today: date) -> PastTerm:
    years = RETENTION_YEARS[kind.category]
    if kind.kept_until is not None:
        condition = kind.kept_until < today
    else:
        first_kept = first_date_within_term(today, years)
        condition = kind.dated_by < _column_value(kind.dated_by, first_kept)
    count, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(kind.dated_by)).where(condition)
    ).one()
    return PastTerm(str(kind.label), kind.category, years, count, _clinic_date(oldest))


def _column_value(column, day: date):
    """A clinic date as the column compares it: itself for a Date column, the clinic's midnight
    in UTC for a timestamp column."""
    if isinstance(column.type, sa.Date):
        return day
    return datetime.combine(day, time(0), clinic_zone()).astimezone(UTC)


def _clinic_date(value) -> date | None:
    if value is None or not isinstance(value, datetime):
        return value
    return value.astimezone(clinic_zone()).date()


def report_csv(lines: list[PastTerm], as_of: date) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["as_of", "kind", "category", "years", "past_term", "oldest"])
    for line in lines:
        oldest = line.oldest.isoformat() if line.oldest else ""
        writer.writerow(
            [as_of.isoformat(), line.label, line.category, line.years, line.count, oldest]
        )
    return out.getvalue()
