"""Herb orders over the API, as the pages offer them: the price of each choice, place, pay (a
payment at the provider and where to confirm it), follow (the order with its stages), list mine.
An order comes from the hospital's prescription or from an approved outside prescription
(外院处方). A patient reaches only their own prescriptions and orders (404 otherwise)."""

from flask import Blueprint, g, jsonify
from flask_login import current_user

from decoction.api.schemas import (
    OrderOption,
    OrderOptionSchema,
    OrderRequestSchema,
    OrderSchema,
    PaymentStartSchema,
)
from decoction.models import DecoctionOrder
from decoction.ordering import Handover, Preparation
from decoction.services import access, orders, payments, sources
from herbs.services.access import visible_prescription
from tcm_app.api.blueprint import api_roles, load_json
from tcm_app.api.lists import list_response, paged
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services import payments as core_payments

# Nested under the core API (/api/v1) by setup.py; its endpoints are api.decoction.<name>.
bp = Blueprint("decoction", __name__)

FOLLOWERS = (Role.PATIENT, *access.STAFF)
MAX_LISTED = 200


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
    return _options(visible_prescription(current_user, prescription_id))


def _options(source):
    options = [
        OrderOption(
            preparation,
            handover,
            orders.quote_for(source, preparation, handover),
            orders.refusal_for(source, handover),
        )
        for preparation in Preparation
        for handover in Handover
    ]
    return list_response(OrderOptionSchema(), options)


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
    return _place(body, visible_prescription(current_user, prescription_id))


def _place(body: dict, source):
    order = orders.place_order(
        source, current_user, body["preparation"], body["handover"], body.get("address_id")
    )
    db.session.commit()
    return jsonify(OrderSchema().dump(order)), 201


@bp.route("/external/submissions/<int:submission_id>/order-options")
@api_roles(Role.PATIENT)
def external_order_options(submission_id: int):
    """The same choices and prices for one's own approved outside prescription (外院处方), with
    why it cannot be ordered now (not approved, ordered already, out of date …) or null.
    ---
    get:
      summary: Price each way to order an outside prescription's herbs
      responses:
        200:
          content:
            application/json:
              schema: OrderOptionListSchema
    """
    return _options(sources.visible_external(current_user, submission_id))


@bp.route("/external/submissions/<int:submission_id>/orders", methods=["POST"])
@api_roles(Role.PATIENT)
def external_order_place(submission_id: int):
    """Order the herbs of one's own approved outside prescription, once, before its validity
    ends; pay next (`/orders/{id}/payments`).
    ---
    post:
      summary: Place a herb order from an outside prescription
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
    return _place(body, sources.visible_external(current_user, submission_id))


@bp.route("/orders")
@api_roles(Role.PATIENT)
@paged(MAX_LISTED)
def orders_list():
    """The caller's herb orders (and their wards'), newest first.
    ---
    get:
      summary: List my herb orders
      responses:
        200:
          content:
            application/json:
              schema: OrderListSchema
    """
    statement = access.orders_query(current_user).order_by(DecoctionOrder.id.desc())
    return list_response(OrderSchema(), db.session.scalars(g.page.of_statement(statement)))


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
    return jsonify(OrderSchema().dump(access.visible_order(current_user, order_id)))


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
    return jsonify(PaymentStartSchema().dump({"payment": payment, "redirect_url": url})), 201
