"""Shapes of the herb and prescription API: they validate requests, dump every answer (the one
serialiser) and feed the OpenAPI document."""

import threading

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from herbs import prescribing
from herbs.services import documents, prescriptions
from tcm_app.api.schemas import VersionSchema

# Between the names of several look-alikes in one hint (黄芩、茯苓).
NAME_SEPARATOR = "、"


def lookalike_hint(hints) -> str:
    """「注意：易与黄芩混淆」 for a herb's look-alikes; empty when it has none."""
    if not hints:
        return ""
    names = NAME_SEPARATOR.join(hint.other for hint in hints)
    return _("Caution: easily confused with %(names)s", names=names)


class HerbSchema(Schema):
    """Dumps a catalogue herb; the catalogue gives its record id and look-alikes, the search what
    the query matched (`matched`: herb code to the name or alias; the herb's name otherwise)."""

    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    pinyin = fields.String()
    initials = fields.String()
    latin = fields.String()
    aliases = fields.List(fields.String())
    base_code = fields.String(allow_none=True)
    processing = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    nature = fields.String(allow_none=True)
    flavours = fields.List(fields.String())
    meridians = fields.List(fields.String())
    dose_min_g = fields.Float(allow_none=True)
    dose_max_g = fields.Float(allow_none=True)
    toxicity = fields.String(allow_none=True)
    toxic_28 = fields.Boolean()
    pregnancy = fields.String(allow_none=True)
    method = fields.String(allow_none=True)
    price_per_g = fields.String(metadata={"description": "yuan per gram, decimal string"})
    in_stock = fields.Boolean()
    source = fields.String()
    matched = fields.String(metadata={"description": "the name or alias the query matched"})
    lookalikes = fields.List(
        fields.Nested(lambda: LookalikeSchema()),
        metadata={"description": "look-alike / sound-alike herbs (herbs/data/lookalikes.yaml)"},
    )
    lookalike_hint = fields.String(
        metadata={"description": "the hint to show, e.g. 注意：易与黄芩混淆; empty if none"}
    )

    def __init__(self, *, catalogue=None, matched=None, **kwargs):
        super().__init__(**kwargs)
        self.catalogue = catalogue
        self.matched = matched or {}

    def get_attribute(self, obj, attr, default):
        if attr == "id":
            return self.catalogue.records_by_code[obj.code]
        if attr == "matched":
            return self.matched.get(obj.code) or obj.name
        if attr == "in_stock":
            return obj.stock_g > 0
        if attr == "lookalikes":
            return self.catalogue.lookalikes.for_code(obj.code)
        if attr == "lookalike_hint":
            return lookalike_hint(self.catalogue.lookalikes.for_code(obj.code))
        return super().get_attribute(obj, attr, default)


_per_thread = threading.local()


def herb_schema(catalogue, matched=None) -> HerbSchema:
    """A HerbSchema for `catalogue` with the search's `matched` names. Making one costs about a
    third of a millisecond (marshmallow copies every declared field), more than the search
    itself, which answers as the doctor types: each thread keeps one per catalogue and sets only
    the matches. Per thread, because a worker thread serves one request at a time."""
    schema = getattr(_per_thread, "herb_schema", None)
    if schema is None or schema.catalogue is not catalogue:
        schema = _per_thread.herb_schema = HerbSchema(catalogue=catalogue)
    schema.matched = matched or {}
    return schema


_dumped: tuple[object, dict[str, dict]] = (None, {})


def herb_rows(catalogue, herbs, matched: dict[str, str]) -> list[dict]:
    """The search's rows as HerbSchema dumps them. A herb's row changes only with the catalogue
    (a new catalogue object), but dumping it field by field costs more than the search itself,
    which answers as the doctor types: each herb is dumped once per catalogue and only the name
    the query matched is set per answer."""
    global _dumped
    owner, rows = _dumped
    if owner is not catalogue:
        rows = {}
        _dumped = (catalogue, rows)
    found = []
    for herb in herbs:
        row = rows.get(herb.code)
        if row is None:
            row = rows[herb.code] = herb_schema(catalogue).dump(herb)
        found.append({**row, "matched": matched.get(herb.code) or herb.name})
    return found


class LookalikeSchema(Schema):
    name = fields.String(attribute="other", metadata={"description": "the other herb of the pair"})
    reason = fields.String()
    source = fields.String(
        metadata={"description": "the public source the pair was checked against"}
    )
    in_catalogue = fields.Boolean(
        attribute="other_in_catalogue",
        metadata={"description": "false for a declared not-stocked name"},
    )


class HerbListSchema(Schema):
    items = fields.List(fields.Nested(HerbSchema))


class FindingSchema(Schema):
    code = fields.String()
    severity = fields.String(metadata={"enum": ["block", "double_sign", "warn", "info"]})
    herbs = fields.List(fields.String())
    message = fields.String()
    source = fields.String()
    lines = fields.List(fields.Integer())
    key = fields.String()


class FindingListSchema(Schema):
    items = fields.List(fields.Nested(FindingSchema))


class CheckLineSchema(Schema):
    name = fields.String(required=True)
    dose_g = fields.Float(required=True)


class CheckPatientSchema(Schema):
    pregnant = fields.Boolean()
    age = fields.Integer(allow_none=True)
    kidney_disease = fields.Boolean(
        allow_none=True, metadata={"description": "kidney disease; null: not recorded"}
    )


class CheckRequestSchema(Schema):
    herbs = fields.List(fields.Nested(CheckLineSchema), required=True)
    packets = fields.Integer(validate=validate.Range(1, prescribing.MAX_PACKETS))
    patient = fields.Nested(CheckPatientSchema)


class TemplateLineSchema(Schema):
    # "adjuvant": not a herb of the catalogue (白酒 in 瓜蒌薤白半夏汤); carried into the usage text.
    kind = fields.Function(
        lambda line: "adjuvant" if line.is_adjuvant else "herb",
        metadata={"type": "string", "enum": ["herb", "adjuvant"]},
    )
    herb = fields.String(attribute="herb_name")
    herb_id = fields.Integer(allow_none=True)
    original = fields.String(allow_none=True)
    dose_g = fields.Float(allow_none=True)
    method = fields.String(allow_none=True)


class TemplateSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    kind = fields.String()
    number = fields.Integer(allow_none=True)
    name = fields.String()
    book = fields.String(allow_none=True)
    usage = fields.String(allow_none=True)
    indication = fields.String(allow_none=True)
    source = fields.String()
    lines = fields.List(fields.Nested(TemplateLineSchema))


class TemplateListSchema(Schema):
    items = fields.List(fields.Nested(TemplateSchema))


class LineSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, prescribing.MAX_NAME_CHARS))
    dose_g = fields.Float(required=True)
    method = fields.String(allow_none=True)


class DraftRequestSchema(VersionSchema):
    lines = fields.List(fields.Nested(LineSchema), required=True)
    packets = fields.Integer(required=True, strict=True)
    usage = fields.String(required=True)
    template_id = fields.Integer(allow_none=True, load_default=None)


class SignRequestSchema(VersionSchema):
    signing_password = fields.String(
        required=True, load_only=True, validate=validate.Length(1, 128)
    )
    reasons = fields.Dict(
        keys=fields.String(validate=validate.Length(1, 200)),
        values=fields.String(validate=validate.Length(0, prescribing.MAX_REASON_CHARS)),
        load_default=dict,
    )


class ReviewRequestSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    note = fields.String(load_default="", validate=validate.Length(0, 500))
    signing_password = fields.String(
        required=True, load_only=True, validate=validate.Length(1, 128)
    )


class SigningPasswordSchema(Schema):
    login_password = fields.String(required=True, load_only=True, validate=validate.Length(1, 128))
    signing_password = fields.String(
        required=True, load_only=True, validate=validate.Length(1, 128)
    )


class PrescriptionLineSchema(Schema):
    herb = fields.String(attribute="herb.name")
    herb_code = fields.String(attribute="herb.code")
    written_name = fields.String()
    dose_g = fields.Float()
    method = fields.String(allow_none=True)


class AcknowledgementSchema(Schema):
    finding_key = fields.String()
    code = fields.String()
    reason = fields.String()
    signed_at = fields.DateTime()


class CodedDiagnosisSchema(Schema):
    disease_name = fields.String()
    disease_code = fields.String(allow_none=True)
    syndrome_name = fields.String()
    syndrome_code = fields.String(allow_none=True)
    method_code = fields.String(allow_none=True)
    western_name = fields.String(allow_none=True)
    western_code = fields.String(allow_none=True)


class PrescriptionSchema(Schema):
    """Dumps a prescription; `findings` are those just computed, else the ones stored at saving."""

    id = fields.Integer()
    number = fields.String()
    encounter_id = fields.Integer()
    patient_id = fields.Integer()
    doctor = fields.String(attribute="doctor.full_name")
    revision = fields.Integer()
    previous_id = fields.Integer(allow_none=True)
    status = fields.String()
    packets = fields.Integer()
    usage = fields.String()
    diagnosis = fields.String(
        attribute="diagnosis_text",
        allow_none=True,
        metadata={"description": "病名（代码） · 证候（代码）, frozen at signing"},
    )
    diagnoses = fields.List(
        fields.Nested(CodedDiagnosisSchema),
        attribute="encounter.active_diagnoses",
        metadata={"description": "the visit's current coded diagnoses (GB/T 15657-2021)"},
    )
    patient_age = fields.Integer(allow_none=True, metadata={"description": "at signing"})
    patient_pregnant = fields.Boolean(allow_none=True, metadata={"description": "at signing"})
    lines = fields.List(fields.Nested(PrescriptionLineSchema))
    findings = fields.List(fields.Nested(FindingSchema))
    acknowledgements = fields.List(fields.Nested(AcknowledgementSchema))
    signed_at = fields.DateTime(allow_none=True)
    reviewed_by = fields.String(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    review_note = fields.String(allow_none=True)
    valid_until = fields.DateTime(allow_none=True)
    used_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    total_price = fields.String(allow_none=True)

    def __init__(self, *, findings=None, **kwargs):
        super().__init__(**kwargs)
        self.findings = findings

    def get_attribute(self, obj, attr, default):
        if attr == "number":
            return documents.prescription_number(obj)
        if attr == "status":
            return prescriptions.effective_status(obj)
        if attr == "findings":
            return self.findings if self.findings is not None else obj.findings or []
        if attr == "reviewed_by":
            return obj.reviewed_by.full_name if obj.reviewed_by else None
        if attr == "total_price":
            return prescriptions.herb_cost(obj)
        return super().get_attribute(obj, attr, default)


class PrescriptionListSchema(Schema):
    items = fields.List(fields.Nested(PrescriptionSchema))
