"""The constitution API's requests and answers: the scales (questions, choices, subscales) and
the assessments (answers, scores, verdicts)."""

from marshmallow import Schema, fields, validate

from constitution.scoring import BASICALLY_YES, NO, TENDENCY, YES
from constitution.services.scales import SCALE_CODES
from tcm_app.api.schemas import DATABASE_ID

VERDICTS = (YES, BASICALLY_YES, TENDENCY, NO)


class ChoiceSchema(Schema):
    value = fields.Integer()
    label = fields.String()
    label_en = fields.String()


class ItemSchema(Schema):
    code = fields.String()
    text = fields.String()
    text_en = fields.String()
    sex = fields.String(allow_none=True, metadata={"description": "asked of this sex only"})
    choices = fields.List(fields.Nested(ChoiceSchema))


class SubscaleSchema(Schema):
    code = fields.String()
    name = fields.String()
    name_en = fields.String()
    items = fields.List(fields.String(), metadata={"description": "item codes, printed order"})
    reversed = fields.Function(lambda sub: sorted(sub.reversed), metadata={"type": "array"})


class ScaleSummarySchema(Schema):
    code = fields.String()
    version = fields.String()
    title = fields.String()
    title_en = fields.String()
    source = fields.String()
    min_age = fields.Integer(allow_none=True)


class ScaleListSchema(Schema):
    items = fields.List(fields.Nested(ScaleSummarySchema))


class ScaleSchema(ScaleSummarySchema):
    recall = fields.String()
    recall_en = fields.String()
    items = fields.List(fields.Nested(ItemSchema))
    subscales = fields.List(fields.Nested(SubscaleSchema))


class AssessmentRequestSchema(Schema):
    scale = fields.String(
        validate=validate.OneOf(SCALE_CODES),
        metadata={"description": "default: the scale made for the patient's age"},
    )
    patient_id = fields.Integer(
        strict=True, validate=DATABASE_ID, metadata={"description": "yourself or a ward"}
    )
    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(1, 16)),
        values=fields.Integer(strict=True),
        required=True,
        validate=validate.Length(max=100),
        metadata={"description": "item code → answer as ticked (1 = the first choice)"},
    )


class AssessmentSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    scale = fields.String(attribute="scale_code")
    scale_version = fields.String()
    sex = fields.String()
    age = fields.Integer()
    submitted_at = fields.DateTime()
    scores = fields.Dict(keys=fields.String(), values=fields.Float())
    verdicts = fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=validate.OneOf(VERDICTS)),
        metadata={"description": "pinghe: yes|basically_yes|no; the others yes|tendency|no"},
    )
    primary = fields.List(fields.String(), metadata={"description": "the constitution named"})
    tendencies = fields.List(fields.String())
    answers = fields.Dict(keys=fields.String(), values=fields.Integer())


class AssessmentListSchema(Schema):
    items = fields.List(fields.Nested(AssessmentSchema))
