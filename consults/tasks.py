"""Background work for video consults: reminders before a booked consult."""

from celery import shared_task

from consults.services import reminders
from tcm_app.extensions import db
from tcm_app.services.clock import utc_now


@shared_task(name="consults.send_consult_reminders", ignore_result=False)
def send_consult_reminders() -> int:
    """Hourly: remind each consult starting within the next day, once."""
    count = reminders.send_due_reminders(utc_now())
    db.session.commit()
    return count
