"""The daily figures as the provincial supervision platform (监管平台) takes them: JSON with
stable English field codes and their units, and CSV (UTF-8 with a BOM, so Excel opens it as
Chinese) with Chinese headers. Both come from the day's latest run (quality/services/figures.py)."""

import csv
import io
import json

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from quality import rules
from quality.labels import FIGURE_LABELS, LABELS
from quality.models import FigureRun
from quality.services import figures

FORMAT = "tcm-hospital.quality.daily-figures/1"


def as_dict(run: FigureRun) -> dict:
    """The JSON document: the day, the run, the units and definitions, then one entry per
    scope (the hospital, each department, each doctor)."""

    def entry(row: figures.Row) -> dict:
        return {
            "scope": row.scope,
            "department_code": row.department_code,
            "department_name": row.department_name,
            "doctor_id": row.scope_id if row.scope == "doctor" else None,
            "doctor_name": row.doctor_name,
            "licence_number": row.licence_number,
            **row.figures,
        }

    return {
        "format": FORMAT,
        "day": run.day.isoformat(),
        "time_zone": current_app.config["BABEL_DEFAULT_TIMEZONE"],
        "run": {"id": run.id, "computed_at": run.computed_at.isoformat(), "trigger": run.trigger},
        "fields": {f.code: {"unit": f.unit, "definition": f.definition} for f in rules.FIGURES},
        "rows": [entry(row) for row in figures.rows_of(run)],
    }


def as_json(run: FigureRun) -> bytes:
    return json.dumps(as_dict(run), ensure_ascii=False, indent=2).encode("utf-8")


def _blank(value) -> str:
    return "" if value is None else str(value)


def as_csv(run: FigureRun) -> bytes:
    """UTF-8 with a BOM; headers in Chinese (the hospital's language, whoever downloads)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        header = [_("Date"), _("Scope"), str(LABELS["scope_department"]),
                  str(LABELS["scope_doctor"]), _("Licence number")]  # fmt: skip
        header += [str(FIGURE_LABELS[code]) for code in rules.FIGURE_CODES]
        scope_names = {s: str(LABELS[f"scope_{s}"]) for s in rules.SCOPES}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in figures.rows_of(run):
        writer.writerow(
            [run.day.isoformat(), scope_names[row.scope], _blank(row.department_name),
             _blank(row.doctor_name), _blank(row.licence_number)]
            + [_blank(row.figures[code]) for code in rules.FIGURE_CODES]
        )  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")
