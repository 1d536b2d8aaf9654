"""Request and response shapes of the API: they validate input, dump every answer (`Schema().dump`
is the one serialiser) and feed the OpenAPI document."""

from marshmallow import Schema, fields, validate

from tcm_app.common.online_care import Eligibility, EncounterKind, TerminationReason
from tcm_app.services.encounters import prescribing_status

DATABASE_ID = validate.Range(min=1, max=2**31 - 1)


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.Raw())


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class TokenRequestSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, validate=validate.Length(1, 128), load_only=True)


class TokenSchema(Schema):
    token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class UserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    full_name = fields.String()


class DepartmentSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    name_en = fields.String()


class DoctorSchema(Schema):
    """Dumps a DoctorProfile."""

    id = fields.Integer(attribute="user_id")
    full_name = fields.String(attribute="user.full_name")
    title = fields.String()
    department = fields.Nested(DepartmentSchema)
    online_enabled = fields.Boolean()


class PatientSchema(Schema):
    id = fields.Integer()
    legal_name = fields.String()
    id_number_masked = fields.String(attribute="masked_id_number")
    birth_date = fields.Date()
    sex = fields.String()
    phone_masked = fields.String(attribute="masked_phone")
    pregnancy_status = fields.String()
    pregnancy_updated_on = fields.Date(allow_none=True)
    renal_function = fields.String(
        metadata={"description": "renal_unknown, renal_normal or renal_impaired (kidney disease)"}
    )
    renal_function_updated_on = fields.Date(allow_none=True)
    guardian_id = fields.Integer(allow_none=True)


class MeSchema(Schema):
    user = fields.Nested(UserSchema)
    patients = fields.List(fields.Nested(PatientSchema))


class DiagnosisSchema(Schema):
    id = fields.Integer(dump_only=True)
    disease_name = fields.String(required=True, validate=validate.Length(1, 64))
    disease_code = fields.String(load_default="", allow_none=True, validate=validate.Length(max=24))
    syndrome_name = fields.String(required=True, validate=validate.Length(1, 64))
    syndrome_code = fields.String(
        load_default="", allow_none=True, validate=validate.Length(max=24)
    )
    treatment_method = fields.String(load_default="", validate=validate.Length(max=64))
    method_code = fields.String(load_default="", allow_none=True, validate=validate.Length(max=32))
    # Western diagnosis (ICD-10 national clinical edition): free text, optional code.
    western_name = fields.String(load_default="", validate=validate.Length(max=64))
    western_code = fields.String(load_default="", allow_none=True, validate=validate.Length(max=16))
    is_primary = fields.Boolean(load_default=True)


class TcmCodeSchema(Schema):
    """One row of the GB/T 15657-2021 table (disease 病名, pattern 证候) or a 治法 term."""

    code = fields.String()
    name = fields.String()
    kind = fields.String(validate=validate.OneOf(["disease", "pattern", "method"]))
    parent = fields.String(attribute="parent_key")
    temporary = fields.Boolean()  # 临时诊断用术语: never a visit's final diagnosis
    usual = fields.Method("is_usual", metadata={"type": "boolean"})

    def __init__(self, *, usual_prefixes=(), **kwargs):
        super().__init__(**kwargs)
        self.usual_prefixes = usual_prefixes  # the usual patterns of the disease asked about

    def is_usual(self, code) -> bool:
        return any(code.key == p or code.key.startswith(p + ".") for p in self.usual_prefixes)


class DocumentSchema(Schema):
    id = fields.Integer()
    doc_type = fields.String()
    issued_on = fields.Date(allow_none=True)
    content_type = fields.String()
    size_bytes = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()


class EncounterSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    patient_id = fields.Integer()
    doctor_id = fields.Integer()
    department_id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    scheduled_on = fields.Date()
    chief_complaint = fields.String()
    eligibility = fields.String()
    eligibility_reason = fields.String(allow_none=True)
    guardian_present = fields.Boolean()
    termination_reason = fields.String(allow_none=True)
    termination_note = fields.String(allow_none=True)
    inspection_note = fields.String()
    listening_note = fields.String()
    inquiry_note = fields.String()
    palpation_note = fields.String()
    # Retired diagnoses and withdrawn documents stay on record but are not shown.
    diagnoses = fields.List(fields.Nested(DiagnosisSchema), attribute="active_diagnoses")
    documents = fields.List(fields.Nested(DocumentSchema), attribute="active_documents")
    prescribing_blockers = fields.Method(
        "blockers", metadata={"type": "array", "items": {"type": "string"}}
    )

    def blockers(self, encounter) -> list[str]:
        return list(prescribing_status(encounter))


class EncounterListSchema(Schema):
    items = fields.List(fields.Nested(EncounterSchema))


class EncounterCreateSchema(Schema):
    patient_id = fields.Integer(required=True, strict=True, validate=DATABASE_ID)
    doctor_id = fields.Integer(required=True, strict=True, validate=DATABASE_ID)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(
            [EncounterKind.ONLINE_FOLLOWUP.value, EncounterKind.ONLINE_CONSULTATION.value]
        ),
    )
    chief_complaint = fields.String(required=True, validate=validate.Length(1, 2000))


class VersionSchema(Schema):
    version = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0, max=2**31 - 1),
    )


class EligibilityRequestSchema(VersionSchema):
    decision = fields.String(
        required=True,
        validate=validate.OneOf([Eligibility.ELIGIBLE.value, Eligibility.NOT_ELIGIBLE.value]),
    )
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class NotesRequestSchema(VersionSchema):
    inspection_note = fields.String(load_default="", validate=validate.Length(max=4000))
    listening_note = fields.String(load_default="", validate=validate.Length(max=4000))
    inquiry_note = fields.String(load_default="", validate=validate.Length(max=4000))
    palpation_note = fields.String(load_default="", validate=validate.Length(max=4000))


class GuardianRequestSchema(Schema):
    present = fields.Boolean(required=True)


class TerminationRequestSchema(VersionSchema):
    reason = fields.String(
        required=True, validate=validate.OneOf([r.value for r in TerminationReason])
    )
    note = fields.String(required=True, validate=validate.Length(1, 2000))
