"""The constitution API's answers: the scales (questions, choices, subscales)."""

from marshmallow import Schema, fields


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
