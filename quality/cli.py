"""`flask quality figures --day YYYY-MM-DD`: compute a day's figures (a new run beside any
earlier one; the latest is the one shown and exported) and print the hospital's figures as JSON.
Without --day: yesterday (clinic day)."""

import json
from datetime import date, timedelta

import click
from flask.cli import with_appcontext

from quality.services import figures
from tcm_app.extensions import db
from tcm_app.services import clock


@click.group("quality", help="Quality office (质控): daily figures.")
def quality_cli():
    pass


@quality_cli.command("figures", help="Compute a day's figures per doctor and department.")
@click.option("--day", "day_text", default=None, help="YYYY-MM-DD (default: yesterday).")
@with_appcontext
def figures_command(day_text: str | None) -> None:
    try:
        day = date.fromisoformat(day_text) if day_text else clock.clinic_today() - timedelta(1)
    except ValueError as exc:
        raise click.BadParameter("give a date as YYYY-MM-DD", param_hint="--day") from exc
    run = figures.compute(day, "cli")
    db.session.commit()
    hospital = next(r for r in figures.rows_of(run) if r.scope == "hospital")
    summary = {"day": day.isoformat(), "run": run.id, "seconds": run.seconds, **hospital.figures}
    click.echo(json.dumps(summary, ensure_ascii=False))
