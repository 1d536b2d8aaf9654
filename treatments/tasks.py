"""Background work for treatment bookings: reminders the day before."""

from celery import shared_task

from tcm_app.extensions import db
from tcm_app.models.types import utcnow
from treatments.services import home_overruns, reminders


@shared_task(name="treatments.send_booking_reminders", ignore_result=False)
def send_booking_reminders() -> int:
    """Hourly: remind each booking starting tomorrow, once."""
    count = reminders.send_due_reminders(utcnow())
    db.session.commit()
    return count


@shared_task(name="treatments.alert_home_overruns", ignore_result=False)
def alert_home_overruns() -> int:
    """Every five minutes: tell the practitioner and the clinic staff of a home visit that has
    overrun, once per visit."""
    count = home_overruns.alert_overruns(utcnow())
    db.session.commit()
    return count
