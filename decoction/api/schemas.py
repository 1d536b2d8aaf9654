"""Shapes of the herb-order API: request validation, the one serialiser of its answers, and the
OpenAPI document."""

from typing import NamedTuple

from marshmallow import Schema, fields, validate

from decoction.ordering import Handover, OrderError, Preparation, Quote
from decoction.services import documents, payments
from decoction.stages import Status
from tcm_app.api.schemas import DATABASE_ID

PREPARATIONS = [p.value for p in Preparation]
HANDOVERS = [h.value for h in Handover]


class PriceLineSchema(Schema):
    label = fields.String()
    quantity = fields.String()
    amount = fields.String(metadata={"description": "yuan, decimal string"})


class RefusalSchema(Schema):
    code = fields.String()
    message = fields.String()


class OrderOption(NamedTuple):
    """One way to order a prescription's herbs, priced, and why it cannot be ordered now."""

    preparation: Preparation
    handover: Handover
    quote: Quote
    refusal: OrderError | None


class OrderOptionSchema(Schema):
    preparation = fields.String(metadata={"enum": PREPARATIONS})
    handover = fields.String(metadata={"enum": HANDOVERS})
    lines = fields.List(fields.Nested(PriceLineSchema), attribute="quote.lines")
    total = fields.String(attribute="quote.total", metadata={"description": "yuan, decimal string"})
    refusal = fields.Nested(
        RefusalSchema,
        allow_none=True,
        metadata={"description": "why this choice cannot be ordered now, or null"},
    )


class OrderOptionListSchema(Schema):
    items = fields.List(fields.Nested(OrderOptionSchema))


class OrderRequestSchema(Schema):
    preparation = fields.String(required=True, validate=validate.OneOf(PREPARATIONS))
    handover = fields.String(required=True, validate=validate.OneOf(HANDOVERS))
    address_id = fields.Integer(
        strict=True,
        allow_none=True,
        validate=DATABASE_ID,
        metadata={"description": "an address from the patient's address book; for delivery"},
    )


class OrderEventSchema(Schema):
    move = fields.String()
    to = fields.String(attribute="to_status", metadata={"enum": [s.value for s in Status]})
    at = fields.DateTime(attribute="occurred_at")


class PaymentSchema(Schema):
    reference = fields.String()
    provider = fields.String()
    amount = fields.String(metadata={"description": "yuan, decimal string"})
    status = fields.String(metadata={"enum": ["created", "paid", "cancelled", "refunded"]})
    paid_at = fields.DateTime(allow_none=True)
    refunded_at = fields.DateTime(allow_none=True)


class OrderSchema(Schema):
    id = fields.Integer()
    prescription_id = fields.Integer(
        allow_none=True, metadata={"description": "the hospital's prescription, or null"}
    )
    external_submission_id = fields.Integer(
        allow_none=True, metadata={"description": "the outside prescription (外院处方), or null"}
    )
    external = fields.Boolean(
        attribute="is_external", metadata={"description": "ordered from an outside prescription"}
    )
    patient_id = fields.Integer()
    status = fields.String(metadata={"enum": [s.value for s in Status]})
    preparation = fields.String(metadata={"enum": PREPARATIONS})
    handover = fields.String(metadata={"enum": HANDOVERS})
    address_id = fields.Integer(allow_none=True)
    packets = fields.Integer()
    lines = fields.List(fields.Nested(PriceLineSchema), attribute="price_lines")
    total = fields.String(metadata={"description": "yuan, decimal string"})
    expires_at = fields.DateTime()
    paid_at = fields.DateTime(allow_none=True)
    payment = fields.Nested(PaymentSchema, allow_none=True)
    courier = fields.String(allow_none=True)
    tracking_number = fields.String(allow_none=True)
    trace_url = fields.String()
    events = fields.List(fields.Nested(OrderEventSchema))

    def get_attribute(self, obj, attr, default):
        if attr == "payment":
            return payments.order_payment(obj)
        if attr == "trace_url":
            return documents.trace_url(obj)
        return super().get_attribute(obj, attr, default)


class OrderListSchema(Schema):
    items = fields.List(fields.Nested(OrderSchema))


class PaymentStartSchema(Schema):
    payment = fields.Nested(PaymentSchema)
    redirect_url = fields.String(
        metadata={"description": "open this page (signed in) to confirm the payment there"}
    )
