"""The outside-prescription API's answers."""

from marshmallow import Schema, fields


class ExternalPageSchema(Schema):
    number = fields.Integer()
    content_type = fields.String()
    size_bytes = fields.Integer()


class ExternalLineSchema(Schema):
    """A transcribed line: the catalogue herb, the name as written, grams per packet."""

    herb = fields.Function(lambda line: line.herb.name)
    written_name = fields.String()
    dose_g = fields.Float()
    method = fields.String(allow_none=True)


class ExternalSubmissionSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    institution = fields.String()
    doctor_name = fields.String()
    written_on = fields.Date()
    status = fields.String(
        metadata={"enum": ["draft", "waiting", "questions", "approved", "refused", "used"]}
    )
    submitted_at = fields.DateTime(allow_none=True)
    pages = fields.List(fields.Nested(ExternalPageSchema))
    # The review's outcome: the transcription (an outside prescription, never the hospital's own)
    # once approved, the reason once refused.
    rx_number = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    refusal_reason = fields.String(allow_none=True)
    valid_until = fields.DateTime(allow_none=True)
    packets = fields.Integer(allow_none=True)
    usage = fields.String(allow_none=True)
    lines = fields.Method("approved_lines")

    def approved_lines(self, submission) -> list:
        if submission.status not in ("approved", "used"):
            return []
        return ExternalLineSchema(many=True).dump(submission.lines)


class ExternalSubmissionListSchema(Schema):
    items = fields.List(fields.Nested(ExternalSubmissionSchema))
