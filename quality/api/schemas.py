"""The quality API's answer: a day's figures as the supervision platform takes them (the same
document as the operator page's JSON download, quality/services/export.py)."""

from marshmallow import Schema, fields


class FigureRunSchema(Schema):
    id = fields.Integer()
    computed_at = fields.String(metadata={"format": "date-time"})
    trigger = fields.String()


class FieldUnitSchema(Schema):
    unit = fields.String()
    definition = fields.String()


class DailyFiguresSchema(Schema):
    format = fields.String(metadata={"example": "tcm-hospital.quality.daily-figures/1"})
    day = fields.Date()
    time_zone = fields.String()
    run = fields.Nested(FigureRunSchema)
    fields_ = fields.Dict(
        data_key="fields", keys=fields.String(), values=fields.Nested(FieldUnitSchema)
    )
    rows = fields.List(
        fields.Dict(),
        metadata={"description": "one per scope (hospital, department, doctor) with the codes"},
    )
