"""Messages to patients about their orders: posted to the patient's inbox (tcm_app.services.inbox),
which sends them through the senders in ORDER_NOTIFICATION_SENDERS (log by default); each is
also kept per order (paid, shipped, delivered, reminders), once a day at most."""

from datetime import date, timedelta

from sqlalchemy import select

from decoction.models import DecoctionOrder, OrderNotification
from tcm_app.extensions import db
from tcm_app.services import clock, inbox

MESSAGES = {
    "paid": "您的中药订单 {order} 已付款，我们将尽快调配。",
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
    patient = order.source.patient
    user = inbox.recipient_of(patient)
    if user is None:  # a child whose guardian has no login: nobody to tell
        return None
    message = MESSAGES[kind].format(
        courier=order.courier or "",
        tracking=order.tracking_number or "",
        order=order.id,
        packets=order.packets,
    )
    posted = inbox.post(
        user,
        f"order.{kind}",
        message,
        link=inbox.path_for("decoction.order_view", order_id=order.id),
        patient=patient,
        subject=("order", order.id),
        senders_setting="ORDER_NOTIFICATION_SENDERS",
    )
    note = OrderNotification(
        order_id=order.id,
        user_id=user.id,
        kind=kind,
        day=day,
        message=message,
        delivery=posted.delivery,
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
