"""Follow-up over the API: a patient's plans and tasks (or a doctor's plans under way), and the
adverse reactions the caller may see."""

from flask import Blueprint, g
from flask_login import current_user
from sqlalchemy import select

from followup.api.schemas import PlanSchema, ReactionSchema
from followup.models import FollowUpPlan
from followup.services import reactions
from followup.services.plans import ACTIVE
from tcm_app.api.blueprint import api_roles
from tcm_app.api.lists import list_response, paged
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services.access import own_patient_ids

# Nested under the core API (/api/v1) by setup.py; its endpoints are api.followup.<name>.
bp = Blueprint("followup", __name__)
MAX_LISTED = 100


@bp.route("/followup/plans")
@api_roles(Role.PATIENT, Role.DOCTOR)
@paged(MAX_LISTED)
def followup_plans():
    """A patient's follow-up plans and their wards' (every one), or a doctor's plans under way;
    newest first, each with its tasks, their state today and any answers.
    ---
    get:
      summary: List follow-up plans (随访计划)
      responses:
        200:
          content:
            application/json:
              schema: PlanListSchema
    """
    query = select(FollowUpPlan).order_by(FollowUpPlan.id.desc())
    if current_user.role == Role.PATIENT:
        query = query.where(FollowUpPlan.patient_id.in_(own_patient_ids(current_user)))
    else:
        query = query.where(
            FollowUpPlan.doctor_id == current_user.id, FollowUpPlan.status == ACTIVE
        )
    return list_response(PlanSchema(), db.session.scalars(g.page.of_statement(query)))


@bp.route("/followup/reactions")
@api_roles(Role.PATIENT, Role.DOCTOR, Role.PHARMACIST, Role.QUALITY)
@paged(MAX_LISTED)
def followup_reactions():
    """Adverse reactions (不良反应) the caller may see: pharmacists and the quality office every
    one, a doctor those on their prescriptions, a patient their own; open first, by due date.
    ---
    get:
      summary: List adverse reactions
      responses:
        200:
          content:
            application/json:
              schema: ReactionListSchema
    """
    query = reactions.ordered(reactions.reactions_query(current_user))
    return list_response(ReactionSchema(), db.session.scalars(g.page.of_statement(query)))
