"""Background work for follow-up plans: each task reminded on the day it falls due."""

from celery import shared_task

from followup.services import tasks
from tcm_app.extensions import db
from tcm_app.services import clock


@shared_task(name="followup.send_task_reminders", ignore_result=False)
def send_task_reminders() -> int:
    """Hourly: remind each follow-up task that falls due, once."""
    count = tasks.send_due_reminders(clock.clinic_today())
    db.session.commit()
    return count
