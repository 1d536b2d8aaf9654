"""Shapes of the tongue-photo API: the one serialiser of its answers and the OpenAPI document."""

from marshmallow import Schema, fields

from diagnosis.models import TongueImageStatus


class TongueImageSchema(Schema):
    id = fields.Integer()
    encounter_id = fields.Integer()
    status = fields.String(metadata={"enum": [s.value for s in TongueImageStatus]})
    quality = fields.Raw(
        allow_none=True, metadata={"description": "the quality checks; null until analysed"}
    )
    features = fields.Raw(
        allow_none=True, metadata={"description": "suggested features; null until analysed"}
    )
    algorithm_version = fields.String(allow_none=True)
    created_at = fields.DateTime()

    def get_attribute(self, obj, attr, default):
        if attr in ("quality", "features"):
            return (obj.analysis or {}).get(attr)
        return super().get_attribute(obj, attr, default)
