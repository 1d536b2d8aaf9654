"""Paying for herb orders through the payment provider: the sandbox's signed callback pays once
however often it arrives, a wrong signature or amount is refused (4xx JSON) and audited, staff
still record counter payments, and an order cancelled before dispensing is refunded."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from decoction.models import DecoctionOrder
from decoction.services import orders, payments
from herbs.models import PrescriptionStatus
from tcm_app.common.errors import ConflictError
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.models.payments import Payment
from tcm_app.services import payments as core_payments
from tests.decoction.test_order_service import staff
from tests.factories import approved_prescription, create_patient, login

NOTIFY = "/payments/notify/sandbox"


def placed(preparation="raw", handover="pickup"):
    rx = approved_prescription()
    order = orders.place_order(rx, rx.encounter.patient.user, preparation, handover)
    return rx, order


def signed(payment, outcome="paid", **changes):
    body = json.loads(core_payments.provider("sandbox").notice_body(payment, outcome))
    body.update(changes)
    raw = json.dumps(body).encode()
    return raw, {core_payments.SIGNATURE_HEADER: core_payments.SandboxProvider.sign(raw)}


def audit_actions() -> list[str]:
    return db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()


def started(app):
    rx, order = placed()
    payment = payments.start_payment(order, rx.encounter.patient.user)
    db.session.commit()
    return order, payment


def test_the_same_callback_twice_pays_once(app, client):
    order, payment = started(app)
    body, headers = signed(payment)
    first = client.post(NOTIFY, data=body, headers=headers, content_type="application/json")
    again = client.post(NOTIFY, data=body, headers=headers, content_type="application/json")
    assert first.status_code == again.status_code == 200
    assert first.get_json()["status"] == "paid"
    db.session.expire_all()
    order = db.session.get(DecoctionOrder, order.id)
    assert order.status == "paid" and order.payment_reference == payment.reference
    assert [e.move for e in order.events] == ["place", "pay"]
    assert audit_actions().count("payment.paid") == 1


@pytest.mark.parametrize(
    ("tamper", "status", "code"),
    [
        pytest.param("signature", 400, "bad_signature", id="wrong-signature-is-refused"),
        pytest.param("amount", 422, "amount_mismatch", id="wrong-amount-is-refused"),
        pytest.param("reference", 404, "unknown_payment", id="unknown-payment-is-refused"),
    ],
)
def test_a_forged_or_wrong_callback_is_refused_and_audited(app, client, tamper, status, code):
    order, payment = started(app)
    if tamper == "signature":
        body, _ = signed(payment)
        headers = {core_payments.SIGNATURE_HEADER: "0" * 64}
    elif tamper == "amount":
        body, headers = signed(payment, amount="0.01")
    else:
        body, headers = signed(payment, reference="sandbox-nothing")
    response = client.post(NOTIFY, data=body, headers=headers, content_type="application/json")
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    db.session.expire_all()
    assert db.session.get(DecoctionOrder, order.id).status == "pending_payment"
    assert db.session.get(Payment, payment.id).status == "created"
    assert audit_actions()[-1] == "payment.notify_refused"


def test_a_cancelled_sandbox_payment_leaves_the_order_unpaid(app, client):
    order, payment = started(app)
    body, headers = signed(payment, "cancelled")
    assert client.post(NOTIFY, data=body, headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.get(Payment, payment.id).status == "cancelled"
    assert db.session.get(DecoctionOrder, order.id).status == "pending_payment"


def test_a_second_payment_for_a_paid_order_is_given_back(app, client):
    rx, order = placed()
    patient = rx.encounter.patient.user
    one = payments.start_payment(order, patient)
    two = payments.start_payment(order, patient)  # two tabs open at the provider
    db.session.commit()
    for payment in (one, two):
        body, headers = signed(payment)
        assert client.post(NOTIFY, data=body, headers=headers).status_code == 200
    db.session.expire_all()
    assert [db.session.get(Payment, p.id).status for p in (one, two)] == ["paid", "refunded"]
    assert db.session.get(DecoctionOrder, order.id).status == "paid"


def test_a_paid_order_cancelled_before_dispensing_is_refunded(app, client):
    order, payment = started(app)
    body, headers = signed(payment)
    client.post(NOTIFY, data=body, headers=headers)
    db.session.expire_all()
    order = db.session.get(DecoctionOrder, order.id)
    login(client, order.prescription.encounter.patient.user)
    view = client.get(f"/decoction/orders/{order.id}").get_data(as_text=True)
    assert "取消订单并退款" in view
    client.post(f"/decoction/orders/{order.id}/cancel", data={"move": "cancel", "move_key": "k"})
    db.session.expire_all()
    order = db.session.get(DecoctionOrder, order.id)
    refunded = db.session.get(Payment, payment.id)
    assert order.status == "cancelled" and refunded.status == "refunded"
    assert refunded.refund_reference.startswith("sandbox-refund-")
    assert order.prescription.status == PrescriptionStatus.APPROVED  # free to order again
    assert {"payment.refund", "order.refund", "order.cancel"} <= set(audit_actions())
    view = client.get(f"/decoction/orders/{order.id}").get_data(as_text=True)
    assert "已退款" in view


def test_an_order_being_prepared_is_not_cancelled(app):
    rx, order = placed()
    clerk = staff()
    payments.mark_paid(order, clerk, "pay")
    orders.apply_move(order, "dispense", clerk, {"weighed_g": {"黄芪": 210, "当归": 70}}, "d")
    with pytest.raises(ConflictError) as refused:
        payments.cancel_order(order, rx.encounter.patient.user, "c")
    assert refused.value.code == "order_not_cancellable" and order.status == "dispensed"


def test_a_payment_for_an_order_that_lapsed_meanwhile_is_given_back(app, client):
    order, payment = started(app)
    orders.expire_unpaid(order.expires_at + timedelta(seconds=1))
    db.session.commit()
    body, headers = signed(payment)
    assert client.post(NOTIFY, data=body, headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.get(DecoctionOrder, order.id).status == "expired"
    given_back = db.session.get(Payment, payment.id)
    assert given_back.status == "refunded" and given_back.refund_reference


def test_a_counter_payment_is_recorded_as_a_payment(app):
    _, order = placed()
    event = payments.mark_paid(order, staff(), "counter-1")
    payment = payments.order_payment(order)
    assert payment.provider == "builtin" and payment.status == "paid"
    assert payment.reference == event.record["payment_reference"] == order.payment_reference


def test_the_patient_pays_through_the_sandbox_page(app, client):
    rx, order = placed()
    db.session.commit()
    login(client, rx.encounter.patient.user)
    going = client.post(f"/decoction/orders/{order.id}/pay")
    assert going.status_code == 302 and "/payments/sandbox/" in going.headers["Location"]
    page = client.get(going.headers["Location"]).get_data(as_text=True)
    assert "沙箱" in page and f"¥{order.total}" in page
    back = client.post(going.headers["Location"], data={"confirm": "确认支付"})
    assert back.headers["Location"].endswith(f"/decoction/orders/{order.id}")
    db.session.expire_all()
    assert db.session.get(DecoctionOrder, order.id).status == "paid"


def test_someone_elses_order_and_payment_are_not_found(app, client):
    order, payment = started(app)
    stranger = create_patient(name="李四").user
    db.session.commit()
    login(client, stranger)
    assert client.post(f"/decoction/orders/{order.id}/pay").status_code == 404
    assert client.get(f"/payments/sandbox/{payment.reference}").status_code == 404
    assert client.post(f"/decoction/orders/{order.id}/cancel").status_code == 404
