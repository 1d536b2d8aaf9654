"""Background work for herb orders: unpaid orders lapse and free their prescriptions."""

from celery import shared_task

from decoction.services import notify, orders
from tcm_app.extensions import db
from tcm_app.services import clock


@shared_task(name="decoction.expire_unpaid_orders", ignore_result=False)
def expire_unpaid_orders() -> int:
    """Lapse orders unpaid past ORDER_UNPAID_MINUTES (schedule it every few minutes)."""
    count = orders.expire_unpaid()
    db.session.commit()
    return count


@shared_task(name="decoction.send_order_reminders", ignore_result=False)
def send_order_reminders() -> int:
    """Daily: take-your-medicine reminders while bags last, then a revisit reminder."""
    count = notify.send_reminders(clock.clinic_today())
    db.session.commit()
    return count
