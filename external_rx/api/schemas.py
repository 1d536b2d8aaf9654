"""The outside-prescription API's answers."""

from marshmallow import Schema, fields


class ExternalPageSchema(Schema):
    number = fields.Integer()
    content_type = fields.String()
    size_bytes = fields.Integer()


class ExternalSubmissionSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    institution = fields.String()
    doctor_name = fields.String()
    written_on = fields.Date()
    status = fields.String(metadata={"enum": ["draft", "waiting"]})
    submitted_at = fields.DateTime(allow_none=True)
    pages = fields.List(fields.Nested(ExternalPageSchema))


class ExternalSubmissionListSchema(Schema):
    items = fields.List(fields.Nested(ExternalSubmissionSchema))
