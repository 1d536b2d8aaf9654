"""The follow-up API's answers: plans with their tasks, adverse reactions."""

from marshmallow import Schema, fields

from followup.services.worklist import state_of
from tcm_app.services.clock import clinic_today


class TaskSchema(Schema):
    id = fields.Integer()
    day = fields.Integer(metadata={"description": "days after the plan's start"})
    kind = fields.String(metadata={"enum": ["questionnaire", "tongue_photo", "revisit"]})
    scale_code = fields.String(allow_none=True)
    due_on = fields.Date()
    status = fields.String(metadata={"enum": ["pending", "done"]})
    state = fields.Function(
        lambda task: state_of(task, clinic_today()),
        metadata={"enum": ["upcoming", "due", "overdue", "done"], "type": "string"},
    )
    answers = fields.Dict(keys=fields.String(), values=fields.Integer())
    alerts = fields.List(fields.String())
    done_at = fields.DateTime(allow_none=True)


class PlanSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    encounter_id = fields.Integer()
    doctor_id = fields.Integer()
    prescription_id = fields.Integer(allow_none=True)
    template_code = fields.String(allow_none=True)
    start_on = fields.Date()
    status = fields.String(metadata={"enum": ["active", "ended"]})
    tasks = fields.List(fields.Nested(TaskSchema))


class PlanListSchema(Schema):
    items = fields.List(fields.Nested(PlanSchema))


class ReactionHerbSchema(Schema):
    name = fields.String()
    dose_g = fields.Float()


class ReactionSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    prescription_id = fields.Integer()
    reporter_role = fields.String()
    reported_at = fields.DateTime()
    onset_on = fields.Date()
    severity = fields.String(metadata={"enum": ["mild", "moderate", "serious", "death"]})
    description = fields.String()
    herbs = fields.List(fields.Nested(ReactionHerbSchema))
    suspected = fields.List(fields.String())
    report_due_on = fields.Date()
    status = fields.String(metadata={"enum": ["reported", "reviewed", "submitted"]})
    causality = fields.String(allow_none=True)
    submission_ref = fields.String(allow_none=True)


class ReactionListSchema(Schema):
    items = fields.List(fields.Nested(ReactionSchema))
