"""Shapes of the herb-order API (request validation and the OpenAPI document)."""

from marshmallow import Schema, fields, validate

from decoction.ordering import Handover, Preparation
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


class OrderOptionSchema(Schema):
    preparation = fields.String(metadata={"enum": PREPARATIONS})
    handover = fields.String(metadata={"enum": HANDOVERS})
    lines = fields.List(fields.Nested(PriceLineSchema))
    total = fields.String(metadata={"description": "yuan, decimal string"})
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
    to = fields.String(metadata={"enum": [s.value for s in Status]})
    at = fields.String(metadata={"format": "date-time"})


class PaymentSchema(Schema):
    reference = fields.String()
    provider = fields.String()
    amount = fields.String(metadata={"description": "yuan, decimal string"})
    status = fields.String(metadata={"enum": ["created", "paid", "cancelled", "refunded"]})
    paid_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    refunded_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class OrderSchema(Schema):
    id = fields.Integer()
    prescription_id = fields.Integer()
    patient_id = fields.Integer()
    status = fields.String(metadata={"enum": [s.value for s in Status]})
    preparation = fields.String(metadata={"enum": PREPARATIONS})
    handover = fields.String(metadata={"enum": HANDOVERS})
    address_id = fields.Integer(allow_none=True)
    packets = fields.Integer()
    lines = fields.List(fields.Nested(PriceLineSchema))
    total = fields.String(metadata={"description": "yuan, decimal string"})
    expires_at = fields.String(metadata={"format": "date-time"})
    paid_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    payment = fields.Nested(PaymentSchema, allow_none=True)
    courier = fields.String(allow_none=True)
    tracking_number = fields.String(allow_none=True)
    trace_url = fields.String()
    events = fields.List(fields.Nested(OrderEventSchema))


class OrderListSchema(Schema):
    items = fields.List(fields.Nested(OrderSchema))


class PaymentStartSchema(Schema):
    payment = fields.Nested(PaymentSchema)
    redirect_url = fields.String(
        metadata={"description": "open this page (signed in) to confirm the payment there"}
    )
