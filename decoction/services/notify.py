"""Messages to patients about their orders: kept in the app, and sent through the configured
senders (e-mail, SMS). Real gateways cannot exist here; they implement `Sender` and are listed
in ORDER_NOTIFICATION_SENDERS. The default sender only writes to the log."""

from datetime import date, timedelta

from sqlalchemy import select

from decoction.models import DecoctionOrder, OrderNotification
from tcm_app.extensions import db
from tcm_app.services import clock
from tcm_app.services.notify import senders

MESSAGES = {
    "shipped": "您的中药已发货：{courier} {tracking}。收到后请冷藏保存。",
    "delivered": "您的中药已送达，请冷藏保存，按医嘱服用。",
    "picked_up": "您已取药，请冷藏保存，按医嘱服用。",
    "take_medicine": "服药提醒：今天请按医嘱服药（订单 {order}，共 {packets} 剂）。",
    "revisit": "您的中药已服完，如需继续治疗，请预约复诊。",
}


def notify(order: DecoctionOrder, kind: str, day: date | None = None) -> OrderNotification | None:
    """Keep and send one message of `kind` for `day` (once: a retry finds the first)."""
    day = day or clock.clinic_today()
    exists = db.session.scalar(
        select(OrderNotification).where(
            OrderNotification.order_id == order.id,
            OrderNotification.kind == kind,
            OrderNotification.day == day,
        )
    )
    if exists is not None:
        return None
    user = order.prescription.patient.user or order.prescription.patient.guardian.user
    message = MESSAGES[kind].format(
        courier=order.courier or "",
        tracking=order.tracking_number or "",
        order=order.id,
        packets=order.packets,
    )
    results = {}
    for sender in senders("ORDER_NOTIFICATION_SENDERS"):
        try:
            results[sender.name] = sender.send(user, message)
        except Exception as exc:  # a gateway failure must not lose the message
            results[sender.name] = f"failed: {exc}"
    note = OrderNotification(
        order_id=order.id, user_id=user.id, kind=kind, day=day, message=message, delivery=results
    )
    db.session.add(note)
    db.session.flush()
    return note


def send_reminders(today: date) -> int:
    """A daily reminder to take the medicine while bags last (one packet a day from the day
    it arrived), then one to book a revisit when they run out (Celery beat, daily)."""
    sent = 0
    received = db.session.scalars(
        select(DecoctionOrder).where(DecoctionOrder.status.in_(["delivered", "picked_up"]))
    ).all()
    for order in received:
        arrived = clock.to_clinic(order.stage_entered_at).date()
        last_day = arrived + timedelta(days=order.packets - 1)
        if arrived <= today <= last_day:
            sent += notify(order, "take_medicine", today) is not None
        elif today == last_day + timedelta(days=1):
            sent += notify(order, "revisit", today) is not None
    return sent
