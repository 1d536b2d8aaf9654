"""Shapes of the treatment booking API (request validation and the OpenAPI document)."""

from marshmallow import Schema, fields, validate

from tcm_app.api.schemas import DATABASE_ID
from treatments.booking_rules import BookingStatus
from treatments.screening import Severity, questions_for

THERAPY_CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$", error="not a therapy code")
ISO_MOMENT = validate.Length(10, 40)
QUESTION = validate.Length(1, 40)
STATUSES = [s.value for s in BookingStatus]


class TherapySchema(Schema):
    code = fields.String()
    name = fields.String()
    name_en = fields.String()
    minutes = fields.Integer()
    price = fields.String(metadata={"description": "yuan, decimal string"})
    resource_kind = fields.String(metadata={"enum": ["bed", "room"]})
    home_available = fields.Boolean(metadata={"description": "offered as a home visit (上门)"})
    home_minutes = fields.Integer(allow_none=True, metadata={"description": "length at home"})
    home_fee = fields.String(
        allow_none=True, metadata={"description": "yuan, decimal string, on top of the price"}
    )
    questions = fields.Function(
        lambda therapy: questions_for(therapy.contraindications or {}, "booking"),
        metadata={
            "type": "array",
            "items": {"type": "string"},
            "description": "screening questions to answer (true/false) when booking",
        },
    )


class TherapyListSchema(Schema):
    items = fields.List(fields.Nested(TherapySchema))


class TreatmentSlotSchema(Schema):
    start = fields.DateTime(attribute="starts_at")
    end = fields.DateTime(attribute="ends_at")
    practitioner_id = fields.Integer()
    resource_id = fields.Integer()


class TreatmentSlotListSchema(Schema):
    items = fields.List(fields.Nested(TreatmentSlotSchema))


class BookingRequestSchema(Schema):
    therapy = fields.String(required=True, validate=THERAPY_CODE)
    start = fields.String(
        required=True,
        validate=ISO_MOMENT,
        metadata={"description": "ISO 8601; without an offset it is the clinic's local time"},
    )
    practitioner_id = fields.Integer(required=True, strict=True, validate=DATABASE_ID)
    patient_id = fields.Integer(
        strict=True,
        validate=DATABASE_ID,
        metadata={"description": "required for the clinic desk; a patient may name a ward"},
    )
    answers = fields.Dict(
        keys=fields.String(validate=QUESTION),
        values=fields.Boolean(),
        validate=validate.Length(max=20),
        load_default=dict,
        metadata={"description": "screening answers, question code → true/false"},
    )


class BookingCancelSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class BookingRescheduleSchema(Schema):
    start = fields.String(required=True, validate=ISO_MOMENT)
    practitioner_id = fields.Integer(strict=True, validate=DATABASE_ID)


def booking_flags(booking) -> list[str]:
    """The questions the last booking screening flagged."""
    screened = [s for s in booking.screenings if s.stage == "booking"]
    findings = screened[-1].findings if screened else []
    return [f["question"] for f in findings if f.get("severity") == Severity.FLAG]


class BookingSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    therapy = fields.String(attribute="therapy.code")
    therapy_name = fields.String(attribute="therapy.name")
    start = fields.DateTime(attribute="starts_at")
    end = fields.DateTime(attribute="ends_at")
    practitioner_id = fields.Integer()
    practitioner_name = fields.String(attribute="practitioner.user.full_name")
    resource_id = fields.Integer(allow_none=True)  # none for a home visit
    resource_name = fields.String(attribute="resource.name")
    place = fields.String(metadata={"enum": ["clinic", "home"]})
    status = fields.String(metadata={"enum": STATUSES})
    screening_outcome = fields.String(metadata={"enum": ["clear", "flag"]})
    flags = fields.Function(
        booking_flags,
        metadata={
            "type": "array",
            "items": {"type": "string"},
            "description": "flagged screening answers",
        },
    )
    course_id = fields.Integer(allow_none=True)
    reschedule_count = fields.Integer()
    cancel_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()


class BookingListSchema(Schema):
    items = fields.List(fields.Nested(BookingSchema))
