"""Background work for consults: reminders before a booked video consult; closing text consults
left unanswered (fee refunded) or quiet."""

from celery import shared_task

from consults.services import reminders, threads
from tcm_app.extensions import db
from tcm_app.services.clock import utc_now


@shared_task(name="consults.send_consult_reminders", ignore_result=False)
def send_consult_reminders() -> int:
    """Hourly: remind each consult starting within the next day, once."""
    count = reminders.send_due_reminders(utc_now())
    db.session.commit()
    return count


@shared_task(name="consults.close_due_text_consults", ignore_result=False)
def close_due_text_consults() -> dict:
    """Every ten minutes: close unanswered text consults (fee refunded) and quiet ones."""
    counts = threads.close_due(utc_now())
    db.session.commit()
    return counts
