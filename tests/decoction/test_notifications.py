"""Messages about orders: shipped and delivered (in the app and through the senders), a daily
medicine reminder while bags last, then a revisit reminder; each sent once."""

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from decoction import tasks
from decoction.models import OrderNotification
from decoction.services import notify, orders, payments
from tcm_app.extensions import db
from tcm_app.models.inbox import InboxMessage
from tcm_app.models.types import utcnow
from tcm_app.services import inbox
from tcm_app.services.clock import to_clinic
from tests.decoction.test_order_service import address_of, staff
from tests.factories import approved_prescription, login

# Today and tomorrow in the clinic: make test-clock runs these at 00:30, 08:30 and 23:30.
pytestmark = pytest.mark.clock


class RecordingSender:
    name = "sms"

    def __init__(self):
        self.sent = []

    def send(self, user, message):
        self.sent.append((user.id, message))
        return f"sms-{len(self.sent)}"


class BrokenSender:
    name = "email"

    def send(self, user, message):
        raise ConnectionError("smtp down")


def shipped_order(app):
    rx = approved_prescription(packets=3)
    order = orders.place_order(rx, rx.encounter.patient.user, "raw", "delivery", address_of(rx).id)
    clerk = staff()
    payments.mark_paid(order, clerk, "p")
    orders.apply_move(order, "dispense", clerk, {"weighed_g": {"黄芪": 90, "当归": 30}}, "d")
    orders.apply_move(order, "check", staff(), {}, "c")
    orders.apply_move(order, "package", clerk, {}, "k")
    orders.apply_move(order, "ship", clerk, {"courier": "顺丰", "tracking_number": "SF9"}, "s")
    return order, clerk


def test_shipped_and_delivered_are_sent_and_kept(app):
    sms = RecordingSender()
    app.config["ORDER_NOTIFICATION_SENDERS"] = [sms, BrokenSender()]
    order, clerk = shipped_order(app)
    orders.apply_move(order, "deliver", clerk, {}, "v")
    db.session.commit()
    kinds = [n.kind for n in reversed(order.notifications)]
    assert kinds == ["paid", "shipped", "delivered"]
    assert "SF9" in sms.sent[1][1] and sms.sent[1][0] == order.prescription.patient.user.id
    assert order.notifications[0].delivery["email"].startswith("failed")


def test_reminders_run_while_bags_last_then_revisit_once(app):
    order, clerk = shipped_order(app)
    orders.apply_move(order, "deliver", clerk, {}, "v")
    db.session.commit()
    arrived = to_clinic(order.stage_entered_at).date()
    sent = [notify.send_reminders(arrived + timedelta(days=d)) for d in range(5)]
    assert sent == [1, 1, 1, 1, 0]  # three packets: three days, then the revisit reminder
    assert notify.send_reminders(arrived) == 0  # the same day again sends nothing
    kinds = db.session.scalars(sa.select(OrderNotification.kind).order_by(OrderNotification.id))
    assert list(kinds)[-4:] == ["take_medicine"] * 3 + ["revisit"]


def test_the_patient_sees_the_messages(app, client):
    order, _clerk = shipped_order(app)
    db.session.commit()
    login(client, order.prescription.patient.user)
    page = client.get("/decoction/orders").get_data(as_text=True)
    assert "SF9" in page and "已发货" in page
    assert utcnow() - order.notifications[0].created_at < timedelta(minutes=1)


def test_order_messages_reach_the_patients_inbox_with_a_link_to_the_order(app):
    sms = RecordingSender()
    app.config["ORDER_NOTIFICATION_SENDERS"] = [sms]
    order, clerk = shipped_order(app)
    orders.apply_move(order, "deliver", clerk, {}, "v")
    db.session.commit()
    user = order.prescription.patient.user
    messages = inbox.messages_for(user)
    assert [m.kind for m in messages] == [
        "order.delivered",
        "order.shipped",
        "order.paid",
        "prescription.approved",
    ]
    assert {m.link for m in messages[:3]} == {f"/decoction/orders/{order.id}"}
    assert [text for _, text in sms.sent] == [m.text for m in reversed(messages[:3])]
    assert messages[0].delivery == {"sms": "sms-3"}


def copy_statement() -> str:
    """The statement migration 0009 runs to copy the order messages kept before the inbox."""
    path = Path(__file__).parents[2] / "migrations/versions/0009_inbox_registration.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    [value] = [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and node.targets[0].id == "COPY_ORDER_MESSAGES"
    ]
    return value


def test_the_migration_copies_earlier_order_messages_into_the_inbox_unread(app):
    order, _clerk = shipped_order(app)
    db.session.commit()
    user = order.prescription.patient.user
    kept = [(m.user_id, m.kind, m.text, m.link) for m in inbox.messages_for(user)]
    on_table = " ON inbox_messages" if db.engine.dialect.name == "postgresql" else ""
    db.session.execute(sa.text(f"DROP TRIGGER IF EXISTS inbox_messages_never_deleted{on_table}"))
    db.session.execute(sa.delete(InboxMessage))  # as before the inbox existed
    db.session.execute(sa.text(copy_statement()))
    db.session.commit()
    copied = inbox.messages_for(user)
    assert [(m.user_id, m.kind, m.text, m.link) for m in copied] == [
        k for k in kept if k[1].startswith("order.")
    ]
    assert all(m.unread and m.patient_id == order.prescription.patient_id for m in copied)


@pytest.mark.parametrize("hour", [0, 8, 23], ids=["00h30", "08h30", "23h30"])
def test_the_daily_reminder_counts_clinic_days(app, hour):
    """The medicine arrives and the daily task runs on the clinic's day, not the UTC one: at
    00:30 in Beijing it is still yesterday in UTC."""
    arrival = datetime(2026, 3, 10, hour, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(arrival.astimezone(UTC), tick=False):  # the server stays on UTC
        order, clerk = shipped_order(app)
        orders.apply_move(order, "deliver", clerk, {}, "v")
        db.session.commit()
        assert tasks.send_order_reminders() == 1
    days = db.session.scalars(
        sa.select(OrderNotification.day).where(OrderNotification.kind == "take_medicine")
    )
    assert list(days) == [date(2026, 3, 10)]
