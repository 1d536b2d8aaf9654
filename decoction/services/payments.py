"""Paying for herb orders through the core payment module (tcm_app/services/payments.py): the
patient pays online through the provider, staff record a counter payment, and an order cancelled
before dispensing is refunded. A payment makes the order's `pay` move, once."""

from flask import url_for
from sqlalchemy import select

from decoction import stages
from decoction.models import DecoctionOrder, OrderEvent
from decoction.services import orders
from decoction.stages import Move
from tcm_app.common.errors import ConflictError
from tcm_app.extensions import db
from tcm_app.models.payments import Payment, PaymentStatus
from tcm_app.services import payments
from tcm_app.services.audit import record_audit

PURPOSE = "order"


def _pay_move(order: DecoctionOrder, actor, move_key: str, payment_reference: str, provider: str):
    extra = {"payment_reference": payment_reference, "provider": provider}
    return orders.apply_move(order, Move.PAY, actor, {}, move_key, extra=extra)


def mark_paid(order: DecoctionOrder, actor, move_key: str) -> OrderEvent:
    """Staff record a payment taken at the counter: the order's `pay` move and a counter payment,
    once whatever the retries (the same `move_key` returns the first result)."""
    reference = payments.new_reference(payments.CounterProvider.name)
    event = _pay_move(order, actor, move_key, reference, payments.CounterProvider.name)
    if event.record.get("payment_reference") == reference:  # applied now, not a retry
        payments.record_counter_payment(
            PURPOSE, order.id, order.patient_id, order.total, actor, reference
        )
    return event


def start_payment(order: DecoctionOrder, actor) -> Payment:
    """The patient starts paying online; the provider's page comes next."""
    if order.status != stages.Status.PENDING_PAYMENT:
        raise ConflictError("this order can no longer be paid", "not_payable")
    return payments.start(PURPOSE, order.id, order.patient_id, order.total, actor)


def order_payment(order: DecoctionOrder) -> Payment | None:
    """The payment that stands for the order (paid or refunded), if any."""
    return payments.standing(PURPOSE, order.id)


def cancel_order(order: DecoctionOrder, actor, move_key: str) -> OrderEvent:
    """Cancel before dispensing (调配): the prescription is freed and a payment refunded."""
    retry = db.session.scalar(
        select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.move_key == move_key)
    )
    if retry is None and order.status not in stages.FROM[Move.CANCEL]:
        raise ConflictError("the order is being prepared", "order_not_cancellable")
    event = orders.apply_move(order, Move.CANCEL, actor, {}, move_key)
    paid = db.session.scalar(
        select(Payment).where(
            Payment.purpose == PURPOSE,
            Payment.subject_id == order.id,
            Payment.status == PaymentStatus.PAID,
        )
    )
    if paid is not None:
        payments.refund(paid, actor, "order cancelled before dispensing")
        record_audit("order.refund", "order", order.id, f"¥{paid.amount}", actor=actor)
    return event


def _on_paid(payment: Payment) -> None:
    order = db.session.get_one(DecoctionOrder, payment.subject_id)
    _pay_move(order, None, f"payment:{payment.reference}", payment.reference, payment.provider)


def _return_url(payment: Payment) -> str:
    return url_for("decoction.order_view", order_id=payment.subject_id)


payments.register_purpose(PURPOSE, _on_paid, _return_url)
