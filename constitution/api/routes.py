"""Constitution questionnaires over the API: the scales a client renders, submitting a whole
questionnaire, and reading the assessments."""

from flask import Blueprint, g, jsonify
from flask_login import current_user

from constitution.api.schemas import (
    AssessmentRequestSchema,
    AssessmentSchema,
    ScaleSchema,
    ScaleSummarySchema,
)
from constitution.services import assessments, scales
from tcm_app.api.blueprint import api_roles, load_json
from tcm_app.api.lists import list_response, paged
from tcm_app.common.errors import NotFoundError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services.access import own_patient_ids

# Nested under the core API (/api/v1) by setup.py; its endpoints are api.constitution.<name>.
bp = Blueprint("constitution", __name__)
MAX_LISTED = 100


@bp.route("/constitution/scales")
@api_roles(*Role)
def constitution_scales():
    """The constitution questionnaires: the standard's scale and the older people's form.
    ---
    get:
      summary: List constitution questionnaires (中医体质量表)
      responses:
        200:
          content:
            application/json:
              schema: ScaleListSchema
    """
    return list_response(ScaleSummarySchema(), scales.all_scales())


@bp.route("/constitution/scales/<code>")
@api_roles(*Role)
def constitution_scale(code: str):
    """One questionnaire with its questions in order, their choices and its subscales.
    ---
    get:
      summary: Get a constitution questionnaire
      parameters:
        - in: path
          name: code
          required: true
          schema: {type: string, enum: [ccmq, elderly]}
      responses:
        200:
          content:
            application/json:
              schema: ScaleSchema
    """
    return ScaleSchema().dump(scales.scale(code))


@bp.route("/constitution/assessments", methods=["POST"])
@api_roles(Role.PATIENT)
def constitution_assessment_create():
    """Submit a whole questionnaire for yourself or a ward: scored and kept (it cannot be
    changed afterwards). 422 names each question that is missing or unusable in `fields`.
    ---
    post:
      summary: Submit a constitution questionnaire
      requestBody:
        required: true
        content:
          application/json:
            schema: AssessmentRequestSchema
      responses:
        201:
          content:
            application/json:
              schema: AssessmentSchema
    """
    body = load_json(AssessmentRequestSchema())
    patient_id = body.get("patient_id") or next(iter(own_patient_ids(current_user)), 0)
    patient = assessments.answerable_patient(current_user, patient_id)
    assessment = assessments.submit_whole(current_user, patient, body.get("scale"), body["answers"])
    db.session.commit()
    return jsonify(AssessmentSchema().dump(assessment)), 201


@bp.route("/constitution/assessments")
@api_roles(Role.PATIENT)
@paged(MAX_LISTED)
def constitution_assessment_list():
    """Your submitted assessments and your wards', latest first.
    ---
    get:
      summary: List my constitution assessments
      responses:
        200:
          content:
            application/json:
              schema: AssessmentListSchema
    """
    query = assessments.submitted_query(own_patient_ids(current_user))
    return list_response(AssessmentSchema(), db.session.scalars(g.page.of_statement(query)))


@bp.route("/constitution/assessments/<int:assessment_id>")
@api_roles(Role.PATIENT, Role.DOCTOR, Role.CLINIC)
def constitution_assessment_detail(assessment_id: int):
    """One submitted assessment the caller may see: their own or a ward's, a doctor's patient's
    (404 for anyone else's, and for a questionnaire not yet submitted).
    ---
    get:
      summary: Read a constitution assessment
      responses:
        200:
          content:
            application/json:
              schema: AssessmentSchema
    """
    assessment = assessments.visible_assessment(current_user, assessment_id)
    if assessment.status != assessments.SUBMITTED:
        raise NotFoundError("assessment not found")
    return AssessmentSchema().dump(assessment)
