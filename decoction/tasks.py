"""Background work for herb orders: unpaid orders lapse and free their prescriptions."""

from celery import shared_task

from decoction.services import orders
from tcm_app.extensions import db


@shared_task(name="decoction.expire_unpaid_orders", ignore_result=False)
def expire_unpaid_orders() -> int:
    """Lapse orders unpaid past ORDER_UNPAID_MINUTES (schedule it every few minutes)."""
    count = orders.expire_unpaid()
    db.session.commit()
    return count
