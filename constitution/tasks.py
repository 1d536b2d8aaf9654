"""Background work for constitution care plans: reassessment reminders when they fall due."""

from celery import shared_task

from constitution.services import care_plans
from tcm_app.extensions import db
from tcm_app.services import clock


@shared_task(name="constitution.send_reassessment_reminders", ignore_result=False)
def send_reassessment_reminders() -> int:
    """Hourly: remind each care plan whose questionnaire is due, once per due date."""
    count = care_plans.send_due_reminders(clock.clinic_today())
    db.session.commit()
    return count
