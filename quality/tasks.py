"""Background work of the quality office: yesterday's daily figures, once."""

from datetime import timedelta

from celery import shared_task

from quality.services import figures
from tcm_app.extensions import db
from tcm_app.services import clock


@shared_task(name="quality.compute_daily_figures", ignore_result=False)
def compute_daily_figures() -> int | None:
    """Hourly: compute yesterday's (clinic day) figures unless they are computed; the run's id."""
    run = figures.compute_once(clock.clinic_today() - timedelta(days=1))
    db.session.commit()
    return run.id if run is not None else None
