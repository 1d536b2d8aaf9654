"""Encounter endpoints: list, request, read, documents, and the treating doctor's actions."""

from datetime import date

from flask import g, jsonify, request
from flask_login import current_user
from marshmallow import ValidationError as SchemaError

from tcm_app.api.blueprint import api_roles, bp, load_json
from tcm_app.api.lists import list_response, paged
from tcm_app.api.schemas import (
    DiagnosisSchema,
    EligibilityRequestSchema,
    EncounterCreateSchema,
    EncounterSchema,
    GuardianRequestSchema,
    NotesRequestSchema,
    PatientSchema,
    TerminationRequestSchema,
    VersionSchema,
)
from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.services import access, documents, encounters
from tcm_app.services.clock import clinic_today
from tcm_app.views.voice import posted_voice

VIEWERS = (Role.PATIENT, Role.DOCTOR, Role.CLINIC)
MAX_LISTED = 200
# What the clinic desk does not see: it schedules visits, it does not read the medical record.
CLINICAL_FIELDS = (
    "eligibility_reason",
    "inspection_note",
    "listening_note",
    "inquiry_note",
    "palpation_note",
    "diagnoses",
    "documents",
    "termination_note",
    "prescribing_blockers",
)


def encounter_schema() -> EncounterSchema:
    """An encounter as the caller may see it: the clinic role gets the administrative fields."""
    if current_user.role == Role.CLINIC:
        return EncounterSchema(exclude=CLINICAL_FIELDS)
    return EncounterSchema()


def answer(encounter, status=200):
    db.session.commit()
    return jsonify(encounter_schema().dump(encounter)), status


@bp.route("/encounters")
@api_roles(*VIEWERS)
@paged(MAX_LISTED)
def encounters_list():
    """Encounters visible to the caller, newest first.
    ---
    get:
      summary: List my encounters
      responses:
        200:
          content:
            application/json:
              schema: EncounterListSchema
    """
    statement = access.encounters_query(current_user).order_by(Encounter.id.desc())
    return list_response(encounter_schema(), db.session.scalars(g.page.of_statement(statement)))


@bp.route("/encounters", methods=["POST"])
@api_roles(Role.PATIENT)
def encounter_create():
    """Request an online follow-up visit or consultation for myself or a child in my care; sent
    as multipart, it may carry a voice note (语音留言) of the chief complaint in the part "voice".
    ---
    post:
      summary: Request an online visit
      requestBody:
        required: true
        content:
          application/json:
            schema: EncounterCreateSchema
          multipart/form-data:
            schema:
              type: object
              required: [patient_id, doctor_id, kind, chief_complaint]
              properties:
                patient_id: {type: integer}
                doctor_id: {type: integer}
                kind: {type: string, enum: [online_followup, online_consultation]}
                chief_complaint: {type: string}
                voice: {type: string, format: binary}
      responses:
        201:
          content:
            application/json:
              schema: EncounterSchema
    """
    if request.mimetype == "multipart/form-data":
        body, voice = _form_body(EncounterCreateSchema()), posted_voice()
    else:
        body, voice = load_json(EncounterCreateSchema()), None
    patient = access.visible_patient(current_user, body["patient_id"])
    doctor = db.session.get(User, body["doctor_id"])
    if doctor is None:
        raise ValidationError("unknown doctor", fields={"doctor_id": ["unknown"]})
    encounter = encounters.request_encounter(
        current_user, patient, doctor, body["kind"], body["chief_complaint"], clinic_today(), voice
    )
    return answer(encounter, 201)


@bp.route("/encounters/<int:encounter_id>")
@api_roles(*VIEWERS)
def encounter_get(encounter_id: int):
    """One encounter with diagnoses, documents and why prescribing is blocked.
    ---
    get:
      summary: Read an encounter
      responses:
        200:
          content:
            application/json:
              schema: EncounterSchema
    """
    encounter = access.visible_encounter(current_user, encounter_id)
    if current_user.role != Role.PATIENT:
        access.visible_patient(current_user, encounter.patient_id)  # audits the record view
    return answer(encounter)


@bp.route("/patients/<int:patient_id>")
@api_roles(*VIEWERS)
def patient_get(patient_id: int):
    """A patient record in the caller's scope (identifiers masked).
    ---
    get:
      summary: Read a patient
      responses:
        200:
          content:
            application/json:
              schema: PatientSchema
    """
    patient = access.visible_patient(current_user, patient_id)
    db.session.commit()
    return jsonify(PatientSchema().dump(patient))


@bp.route("/encounters/<int:encounter_id>/documents", methods=["POST"])
@api_roles(Role.PATIENT)
def document_create(encounter_id: int):
    """Upload a record of the prior in-person diagnosis (PDF, JPEG or PNG).
    ---
    post:
      summary: Upload a prior-diagnosis document
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file, doc_type]
              properties:
                file: {type: string, format: binary}
                doc_type:
                  type: string
                  enum:
                    - outpatient_record
                    - inpatient_record
                    - discharge_summary
                    - diagnosis_certificate
                issued_on: {type: string, format: date}
      responses:
        201:
          content:
            application/json:
              schema: EncounterSchema
    """
    encounter = access.visible_encounter(current_user, encounter_id)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError(
            "attach the file as multipart field 'file'", fields={"file": ["required"]}
        )
    documents.add_document(
        encounter,
        current_user,
        request.form.get("doc_type", ""),
        upload.filename,
        upload.read(),
        _date_field("issued_on"),
    )
    return answer(encounter, 201)


def _form_body(schema) -> dict:
    """A multipart request's fields checked like its JSON body (ids written as digits)."""
    if None in request.form:  # a part whose Content-Disposition names no field
        raise ValidationError("every form part needs a name", fields={"form": ["unnamed_part"]})
    body: dict = request.form.to_dict()
    for name in ("patient_id", "doctor_id"):
        if body.get(name, "").isdigit():
            body[name] = int(body[name])
    try:
        return schema.load(body)
    except SchemaError as exc:
        raise ValidationError(
            "the request body is invalid", "invalid", exc.normalized_messages()
        ) from exc


def _date_field(name: str) -> date | None:
    raw = request.form.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError("dates are YYYY-MM-DD", fields={name: ["format"]}) from exc


def _doctor_action(encounter_id: int, schema):
    return access.visible_encounter(current_user, encounter_id), load_json(schema)


@bp.route("/encounters/<int:encounter_id>/start", methods=["POST"])
@api_roles(Role.DOCTOR)
def encounter_start(encounter_id: int):
    """Start the visit (requested → in progress).
    ---
    post:
      summary: Start an encounter
      requestBody:
        content:
          application/json:
            schema: VersionSchema
      responses:
        200:
          content:
            application/json:
              schema: EncounterSchema
    """
    encounter = access.visible_encounter(current_user, encounter_id)
    version = load_json(VersionSchema(), required=False)["version"]
    encounters.start_encounter(encounter, current_user, version)
    return answer(encounter)


@bp.route("/encounters/<int:encounter_id>/eligibility", methods=["POST"])
@api_roles(Role.DOCTOR)
def encounter_eligibility(encounter_id: int):
    """Record the doctor's follow-up eligibility decision (复诊条件).
    ---
    post:
      summary: Decide follow-up eligibility
      requestBody:
        required: true
        content:
          application/json:
            schema: EligibilityRequestSchema
      responses:
        200:
          content:
            application/json:
              schema: EncounterSchema
    """
    encounter, body = _doctor_action(encounter_id, EligibilityRequestSchema())
    encounters.decide_eligibility(
        encounter, current_user, body["decision"], body["reason"], body["version"]
    )
    return answer(encounter)


@bp.route("/encounters/<int:encounter_id>/notes", methods=["PUT"])
@api_roles(Role.DOCTOR)
def encounter_notes(encounter_id: int):
    """Replace the four-examination notes (望闻问切).
    ---
    put:
      summary: Save four-examination notes
      requestBody:
        required: true
        content:
          application/json:
            schema: NotesRequestSchema
      responses:
        200:
          content:
            application/json:
              schema: EncounterSchema
    """
    encounter, body = _doctor_action(encounter_id, NotesRequestSchema())
    encounters.record_four_exam_notes(encounter, current_user, body, body["version"])
    return answer(encounter)


@bp.route("/encounters/<int:encounter_id>/diagnoses", methods=["POST"])
@api_roles(Role.DOCTOR)
def encounter_diagnosis(encounter_id: int):
    """Add a TCM diagnosis: disease + syndrome, with GB/T 15657-2021 codes where known.
    ---
    post:
      summary: Record a diagnosis
      requestBody:
        required: true
        content:
          application/json:
            schema: DiagnosisSchema
      responses:
        201:
          content:
            application/json:
              schema: EncounterSchema
    """
    encounter, body = _doctor_action(encounter_id, DiagnosisSchema())
    encounters.record_diagnosis(
        encounter,
        current_user,
        body["disease_name"],
        body["syndrome_name"],
        body["disease_code"] or "",
        body["syndrome_code"] or "",
        body["treatment_method"],
        body["is_primary"],
        method_code=body["method_code"] or "",
        western_name=body["western_name"],
        western_code=body["western_code"] or "",
    )
    return answer(encounter, 201)


@bp.route("/encounters/<int:encounter_id>/guardian", methods=["POST"])
@api_roles(Role.DOCTOR)
def encounter_guardian(encounter_id: int):
    """Record whether the guardian is present (a child under 6 is seen online only with one).
    ---
    post:
      summary: Record guardian presence
      requestBody:
        required: true
        content:
          application/json:
            schema: GuardianRequestSchema
      responses:
        200:
          content:
            application/json:
              schema: EncounterSchema
    """
    encounter, body = _doctor_action(encounter_id, GuardianRequestSchema())
    encounters.set_guardian_present(encounter, current_user, body["present"])
    return answer(encounter)


@bp.route("/encounters/<int:encounter_id>/termination", methods=["POST"])
@api_roles(Role.DOCTOR)
def encounter_terminate(encounter_id: int):
    """Terminate online care with a reason; prescribing locks.
    ---
    post:
      summary: Terminate an online encounter
      requestBody:
        required: true
        content:
          application/json:
            schema: TerminationRequestSchema
      responses:
        200:
          content:
            application/json:
              schema: EncounterSchema
    """
    encounter, body = _doctor_action(encounter_id, TerminationRequestSchema())
    encounters.terminate_encounter(
        encounter, current_user, body["reason"], body["note"], body["version"]
    )
    return answer(encounter)


@bp.route("/encounters/<int:encounter_id>/complete", methods=["POST"])
@api_roles(Role.DOCTOR)
def encounter_complete(encounter_id: int):
    """Complete the visit (needs a diagnosis).
    ---
    post:
      summary: Complete an encounter
      requestBody:
        content:
          application/json:
            schema: VersionSchema
      responses:
        200:
          content:
            application/json:
              schema: EncounterSchema
    """
    encounter = access.visible_encounter(current_user, encounter_id)
    version = load_json(VersionSchema(), required=False)["version"]
    encounters.complete_encounter(encounter, current_user, version)
    return answer(encounter)
