"""The operator page of the daily figures (quality officer and administrator): pick a day, read
the table per department and per doctor, download it as JSON or CSV for the supervision
platform, or compute the day again (a new run; the earlier ones are kept)."""

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quality import rules
from quality.labels import FIGURE_LABELS
from quality.services import export, figures
from quality.views.blueprint import bp
from tcm_app.extensions import db
from tcm_app.labels import label
from tcm_app.models.accounts import Role
from tcm_app.services import clock
from tcm_app.services.audit import record_audit
from tcm_app.views.guards import roles_required
from tcm_app.views.responses import file_response

OPERATORS = (Role.QUALITY, Role.ADMIN)


def _day(default: date | None) -> date | None:
    """The ?day= asked for (YYYY-MM-DD), else `default`; a bad one is refused with 422."""
    raw = request.args.get("day") or request.form.get("day")
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(422, _("Give a date as YYYY-MM-DD."))


def _default_day() -> date:
    days = figures.computed_days(1)
    return days[0] if days else clock.clinic_today() - timedelta(days=1)


def _tables(rows: list[figures.Row]) -> dict:
    """The page's two tables: (row title, figures) per department (the hospital first) and per
    doctor (with their department)."""
    departments = [
        (r.department_name or label("scope_hospital"), r.figures)
        for r in rows
        if r.scope != "doctor"
    ]
    doctors = [
        (
            f"{r.doctor_name} · {r.department_name}" if r.department_name else r.doctor_name,
            r.figures,
        )
        for r in rows
        if r.scope == "doctor"
    ]
    return {"department_rows": departments, "doctor_rows": doctors}


@bp.get("/figures")
@roles_required(*OPERATORS)
def figures_page():
    day = _day(None) or _default_day()
    run = figures.latest_run(day)
    return render_template(
        "quality/figures.html",
        day=day,
        run=run,
        runs=figures.runs_of(day),
        days=figures.computed_days(),
        codes=rules.FIGURE_CODES,
        names=FIGURE_LABELS,
        **_tables(figures.rows_of(run) if run else []),
    )


@bp.post("/figures/compute")
@roles_required(*OPERATORS)
def figures_compute():
    day = _day(clock.clinic_today() - timedelta(days=1))
    assert day is not None
    if day >= clock.clinic_today():
        flash(_("Only a day that has ended can be computed."), "error")
        return redirect(url_for(".figures_page", day=day.isoformat())), 303
    figures.compute(day, "page", current_user)
    db.session.commit()
    flash(_("The figures of %(day)s are computed.", day=day.isoformat()))
    return redirect(url_for(".figures_page", day=day.isoformat()))


def _export(kind: str):
    day = _day(None) or _default_day()
    run = figures.latest_run(day)
    if run is None:
        abort(404, _("No figures have been computed for this day."))
    record_audit(
        "quality.figures_export", "quality_figure_run", run.id, f"{kind} of {day}",
        {"day": day.isoformat(), "format": kind},
    )  # fmt: skip
    db.session.commit()
    name = f"quality-figures-{day.isoformat()}.{kind}"
    if kind == "json":
        return file_response(export.as_json(run), "application/json", name, inline=False)
    return file_response(export.as_csv(run), "text/csv; charset=utf-8", name, inline=False)


@bp.get("/figures.json")
@roles_required(*OPERATORS)
def figures_json():
    return _export("json")


@bp.get("/figures.csv")
@roles_required(*OPERATORS)
def figures_csv():
    return _export("csv")
