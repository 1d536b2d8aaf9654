"""Herb orders over the API, as the pages offer them: the price of each choice, place, pay (a
payment at the provider and where to confirm it), follow (the order with its stages), list mine.
A patient reaches only their own prescriptions and orders (404 otherwise)."""

from flask import Blueprint, jsonify
from flask_login import current_user

from decoction.api.schemas import OrderRequestSchema
from decoction.models import DecoctionOrder
from decoction.ordering import Handover, Preparation
from decoction.services import access, documents, orders, payments
from herbs.services.access import visible_prescription
from tcm_app.api.blueprint import api_roles, load_json
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services import payments as core_payments

# Nested under the core API (/api/v1) by setup.py; its endpoints are api.decoction.<name>.
bp = Blueprint("decoction", __name__)

FOLLOWERS = (Role.PATIENT, *access.STAFF)
MAX_LISTED = 200


def _when(value) -> str | None:
    return value.isoformat() if value else None


def payment_json(payment) -> dict | None:
    if payment is None:
        return None
    return {
        "reference": payment.reference,
        "provider": payment.provider,
        "amount": str(payment.amount),
        "status": payment.status,
        "paid_at": _when(payment.paid_at),
        "refunded_at": _when(payment.refunded_at),
    }


def order_json(order: DecoctionOrder) -> dict:
    return {
        "id": order.id,
        "prescription_id": order.prescription_id,
        "patient_id": order.patient_id,
        "status": order.status,
        "preparation": order.preparation,
        "handover": order.handover,
        "address_id": order.address_id,
        "packets": order.packets,
        "lines": order.price_lines,
        "total": str(order.total),
        "expires_at": order.expires_at.isoformat(),
        "paid_at": _when(order.paid_at),
        "payment": payment_json(payments.order_payment(order)),
        "courier": order.courier,
        "tracking_number": order.tracking_number,
        "trace_url": documents.trace_url(order),
        "events": [
            {"move": e.move, "to": e.to_status, "at": e.occurred_at.isoformat()}
            for e in order.events
        ],
    }


@bp.route("/prescriptions/<int:prescription_id>/order-options")
@api_roles(Role.PATIENT)
def order_options(prescription_id: int):
    """Each choice (代煎 or 饮片, delivery or pickup) with its itemised price, and why it cannot
    be ordered now (not approved, already ordered, toxic herbs not delivered …) or null.
    ---
    get:
      summary: Price each way to order a prescription's herbs
      responses:
        200:
          content:
            application/json:
              schema: OrderOptionListSchema
    """
    rx = visible_prescription(current_user, prescription_id)
    items = []
    for preparation in Preparation:
        for handover in Handover:
            quote = orders.quote_for(rx, preparation, handover)
            refused = orders.refusal_for(rx, handover)
            items.append(
                {
                    "preparation": preparation.value,
                    "handover": handover.value,
                    "lines": [
                        {"label": p.label, "quantity": p.quantity, "amount": str(p.amount)}
                        for p in quote.lines
                    ],
                    "total": str(quote.total),
                    "refusal": {"code": refused.code, "message": refused.message}
                    if refused
                    else None,
                }
            )
    return jsonify({"items": items})


@bp.route("/prescriptions/<int:prescription_id>/orders", methods=["POST"])
@api_roles(Role.PATIENT)
def order_place(prescription_id: int):
    """Order the herbs of one's own approved prescription; pay next (`/orders/{id}/payments`).
    ---
    post:
      summary: Place a herb order
      requestBody:
        required: true
        content:
          application/json:
            schema: OrderRequestSchema
      responses:
        201:
          content:
            application/json:
              schema: OrderSchema
    """
    body = load_json(OrderRequestSchema())
    rx = visible_prescription(current_user, prescription_id)
    order = orders.place_order(
        rx, current_user, body["preparation"], body["handover"], body.get("address_id")
    )
    db.session.commit()
    return jsonify(order_json(order)), 201


@bp.route("/orders")
@api_roles(Role.PATIENT)
def orders_list():
    """The caller's herb orders (and their wards'), newest first (at most 200).
    ---
    get:
      summary: List my herb orders
      responses:
        200:
          content:
            application/json:
              schema: OrderListSchema
    """
    rows = db.session.scalars(
        access.orders_query(current_user).order_by(DecoctionOrder.id.desc()).limit(MAX_LISTED)
    ).all()
    return jsonify({"items": [order_json(o) for o in rows]})


@bp.route("/orders/<int:order_id>")
@api_roles(*FOLLOWERS)
def order_follow(order_id: int):
    """One order with every stage it has passed, and its payment.
    ---
    get:
      summary: Follow a herb order
      responses:
        200:
          content:
            application/json:
              schema: OrderSchema
    """
    return jsonify(order_json(access.visible_order(current_user, order_id)))


@bp.route("/orders/<int:order_id>/payments", methods=["POST"])
@api_roles(Role.PATIENT)
def order_payment_start(order_id: int):
    """Start paying an unpaid order at the payment provider: open `redirect_url` to confirm.
    The order turns `paid` when the provider's callback arrives; follow it with GET.
    ---
    post:
      summary: Pay for a herb order
      responses:
        201:
          content:
            application/json:
              schema: PaymentStartSchema
    """
    order = access.visible_order(current_user, order_id)
    payment = payments.start_payment(order, current_user)
    db.session.commit()
    url = core_payments.provider(payment.provider).checkout_url(payment)
    return jsonify({"payment": payment_json(payment), "redirect_url": url}), 201
