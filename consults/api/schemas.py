"""Shapes of the video-consult API: request validation, the one serialiser of its answers, and
the OpenAPI document."""

from marshmallow import Schema, fields, validate

from consults.services import phone
from tcm_app.api.schemas import DATABASE_ID

# A phone consult (电话问诊) as the API gives it: phone_rules.shown_state.
PHONE_STATES = ["none", "waiting", "not_reached", "in_call", "held"]


class RoomSchema(Schema):
    token = fields.String(
        metadata={
            "description": "opens one socket for this user and consult within expires_in "
            "seconds; ask again before each reconnect"
        }
    )
    expires_in = fields.Integer(metadata={"description": "seconds the token is valid"})
    ws_url = fields.String(
        metadata={
            "description": "the signaling socket; add `&page=<id>` (8-64 of A-Z a-z 0-9 _ -) to "
            "name the app's screen so a reconnect keeps the call. Send {type: ping, t: ms} every "
            "ping_seconds; a socket silent idle_seconds is closed with 4000 idle. Other closes: "
            "4001 refused, 4002 ended, 4003 replaced"
        }
    )
    ping_seconds = fields.Integer()
    idle_seconds = fields.Integer()
    ice_servers = fields.List(fields.Dict())
    polite = fields.Boolean(metadata={"description": "perfect-negotiation role (the patient)"})


class ConsultSlotSchema(Schema):
    """Dumps a free slot; the slot does not know its doctor, the search does."""

    start = fields.DateTime(attribute="starts_at")
    end = fields.DateTime(attribute="ends_at")
    doctor_id = fields.Method("searched_doctor", metadata={"type": "integer"})

    def __init__(self, *, doctor_id=None, **kwargs):
        super().__init__(**kwargs)
        self.doctor_id = doctor_id

    def searched_doctor(self, slot) -> int:
        return self.doctor_id


class ConsultSlotListSchema(Schema):
    items = fields.List(fields.Nested(ConsultSlotSchema))


class ConsultBookingRequestSchema(Schema):
    doctor_id = fields.Integer(required=True, strict=True, validate=DATABASE_ID)
    start = fields.String(
        required=True,
        validate=validate.Length(10, 40),
        metadata={"description": "a free slot's start (ISO 8601, as listed)"},
    )
    encounter_id = fields.Integer(
        strict=True,
        validate=DATABASE_ID,
        metadata={
            "description": "the follow-up already requested; else the open request with "
            "this doctor is used, else a new one is made"
        },
    )
    patient_id = fields.Integer(
        strict=True, validate=DATABASE_ID, metadata={"description": "self or a ward; default self"}
    )
    kind = fields.String(validate=validate.OneOf(["online_followup", "online_consultation"]))
    chief_complaint = fields.String(validate=validate.Length(max=2000))


class ConsultBookingSchema(Schema):
    id = fields.Integer()
    encounter_id = fields.Integer()
    patient_id = fields.Integer(attribute="encounter.patient_id")
    doctor_id = fields.Integer()
    doctor_name = fields.String(attribute="encounter.doctor.full_name")
    start = fields.DateTime(attribute="starts_at")
    end = fields.DateTime(attribute="ends_at")
    status = fields.String(metadata={"enum": ["booked", "cancelled"]})
    phone_consult = fields.Method(
        "phone_of",
        metadata={
            "type": "string",
            "enum": PHONE_STATES,
            "description": "the visit's phone consult instead of video (电话问诊), as in "
            "PhoneConsult.state",
        },
    )

    def phone_of(self, made) -> str:
        return phone.shown_state(made.encounter)


class ConsultBookingListSchema(Schema):
    items = fields.List(fields.Nested(ConsultBookingSchema))


class PhoneEventSchema(Schema):
    name = fields.String(
        metadata={"enum": ["phone_requested", "phone_started", "phone_ended", "phone_not_reached"]}
    )
    occurred_at = fields.DateTime()
    call_seconds = fields.Integer(
        attribute="detail.call_seconds",
        allow_none=True,
        metadata={"description": "the call's length, on phone_ended"},
    )


class PhoneConsultSchema(Schema):
    """A visit's phone consult (电话问诊): where it stands, the number, its events in order."""

    encounter_id = fields.Integer()
    state = fields.String(
        metadata={
            "enum": PHONE_STATES,
            "description": "none (not asked for), waiting (asked, not yet called), not_reached "
            "(the last try did not reach the patient; the doctor may try again), in_call, held",
        }
    )
    phone = fields.String(
        allow_none=True,
        metadata={"description": "in full for the treating doctor, masked for everyone else"},
    )
    events = fields.List(fields.Nested(PhoneEventSchema))


class PhoneRecordRequestSchema(Schema):
    outcome = fields.String(
        required=True,
        validate=validate.Length(1, 32),
        metadata={"enum": ["started", "ended", "not_reached"]},
    )
