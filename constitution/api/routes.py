"""Constitution questionnaires over the API: the scales a client renders (the assessments
themselves follow)."""

from flask import Blueprint

from constitution.api.schemas import ScaleSchema, ScaleSummarySchema
from constitution.services import scales
from tcm_app.api.blueprint import api_roles
from tcm_app.api.lists import list_response
from tcm_app.models.accounts import Role

# Nested under the core API (/api/v1) by setup.py; its endpoints are api.constitution.<name>.
bp = Blueprint("constitution", __name__)


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
