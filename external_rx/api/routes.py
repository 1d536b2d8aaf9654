"""Outside prescriptions over the API: a patient's own submissions, the pharmacists' queue."""

from flask import Blueprint
from flask_login import current_user

from external_rx.api.schemas import ExternalSubmissionSchema
from external_rx.services import submissions
from tcm_app.api.blueprint import api_roles
from tcm_app.api.lists import list_response
from tcm_app.models.accounts import Role

# Nested under the core API (/api/v1) by setup.py; its endpoints are api.external_rx.<name>.
bp = Blueprint("external_rx", __name__)


@bp.route("/external/submissions")
@api_roles(Role.PATIENT, Role.PHARMACIST)
def external_submissions():
    """A patient's outside prescriptions and their wards' (newest first), or for a pharmacist
    the ones waiting for review (oldest first).
    ---
    get:
      summary: List outside prescriptions (拍方抓药)
      responses:
        200:
          content:
            application/json:
              schema: ExternalSubmissionListSchema
    """
    if current_user.role == Role.PATIENT:
        rows = submissions.patient_submissions(current_user)
    else:
        rows = submissions.waiting()
    return list_response(ExternalSubmissionSchema(), rows)
