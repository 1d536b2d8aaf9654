"""Follow-up plans: the doctor attaches one at the end of a visit (from a template or task by
task), the patient is told, and the doctor may end it. Who may open a plan. Flushes."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from followup.models import FollowUpPlan, FollowUpTask
from followup.plan_rules import QUESTIONNAIRE, TaskSpec, due_on, plan_problems
from followup.services import catalogue
from herbs.models import Prescription, PrescriptionStatus
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.common.online_care import EncounterStatus
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.services import inbox
from tcm_app.services.access import own_patient_ids
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today, utc_now
from tcm_app.services.transitions import move

ACTIVE, ENDED = "active", "ended"
PLANNABLE = (EncounterStatus.IN_PROGRESS, EncounterStatus.COMPLETED)
START_WINDOW = (-7, 30)  # the start may be a week back (medicine begun) or a month ahead
PLANNED = _l("Dr %(name)s has set a follow-up plan for you; the first task is due on %(date)s.")
# A prescription the follow-up may be about: signed and not withdrawn or returned.
FOLLOWED_PRESCRIPTIONS = (
    PrescriptionStatus.PENDING_REVIEW,
    PrescriptionStatus.APPROVED,
    PrescriptionStatus.USED,
    PrescriptionStatus.EXPIRED,
)


def require_plannable(encounter: Encounter, doctor: User) -> None:
    """Only the visit's own doctor plans, once the visit has begun and until long after."""
    if encounter.doctor_id != doctor.id:
        raise NotFoundError("encounter not found")
    if encounter.status not in PLANNABLE:
        raise ConflictError("a follow-up is planned during or after a visit", "visit_not_held")


def encounter_prescriptions(encounter: Encounter) -> list[Prescription]:
    return list(
        db.session.scalars(
            select(Prescription)
            .where(
                Prescription.encounter_id == encounter.id,
                Prescription.status.in_(FOLLOWED_PRESCRIPTIONS),
            )
            .order_by(Prescription.id.desc())
        )
    )


def create_plan(
    doctor: User,
    encounter: Encounter,
    *,
    template_code: str | None,
    tasks: list[TaskSpec],
    start_on: date,
    note: str = "",
    prescription_id: int | None = None,
) -> FollowUpPlan:
    """A plan with its tasks; `tasks` empty takes the template's. ValidationError names each
    unusable field (`tasks` holds the row problems)."""
    require_plannable(encounter, doctor)
    template = _template(template_code)
    specs = tasks or (list(template["tasks"]) if template else [])
    _check(start_on, specs, encounter, prescription_id)
    plan = FollowUpPlan(
        patient_id=encounter.patient_id,
        encounter_id=encounter.id,
        doctor_id=doctor.id,
        prescription_id=prescription_id,
        template_code=template_code if template and not tasks else None,
        title=template["title"] if template else "",
        start_on=start_on,
        note=note.strip(),
        status=ACTIVE,
        created_at=utc_now(),
    )
    db.session.add(plan)
    db.session.flush()
    for spec in specs:
        db.session.add(_task(plan, spec))
    db.session.flush()
    record_audit(
        "followup.plan", "followup_plan", plan.id,
        f"follow-up plan of {len(specs)} tasks from {start_on.isoformat()}",
        {"encounter": encounter.id, "template": plan.template_code}, actor=doctor,
    )  # fmt: skip
    first = min(due_on(start_on, spec) for spec in specs)
    inbox.post_about(
        encounter.patient, "followup_plan",
        inbox.text_about(encounter.patient, PLANNED, name=doctor.full_name, date=first.isoformat()),
        link=inbox.path_for("followup.my_plans"), subject=("followup_plan", plan.id),
    )  # fmt: skip
    return plan


def _template(code: str | None) -> dict | None:
    if not code:
        return None
    template = catalogue.templates().get(code)
    if template is None:
        raise ValidationError("no such template", "unknown_template", {"template": ["invalid"]})
    return dict(template)


def _check(start_on: date, specs, encounter: Encounter, prescription_id: int | None) -> None:
    fields: dict[str, list[str]] = {}
    low, high = START_WINDOW
    today = clinic_today()
    if not today + timedelta(days=low) <= start_on <= today + timedelta(days=high):
        fields["start_on"] = ["bad_start"]
    problems = plan_problems(specs, catalogue.SCALE_CODES)
    if problems:
        fields["tasks"] = sorted(set(problems.values()))
    allowed = {p.id for p in encounter_prescriptions(encounter)}
    if prescription_id is not None and prescription_id not in allowed:
        fields["prescription_id"] = ["not_this_visit"]
    if fields:
        code = next(iter(fields.values()))[0]
        raise ValidationError("the follow-up plan cannot be made", code, fields)


def _task(plan: FollowUpPlan, spec: TaskSpec) -> FollowUpTask:
    scale = catalogue.scale(spec.scale) if spec.kind == QUESTIONNAIRE and spec.scale else None
    return FollowUpTask(
        plan_id=plan.id,
        day=spec.day,
        kind=spec.kind,
        scale_code=scale.code if scale else None,
        scale_version=scale.version if scale else None,
        due_on=due_on(plan.start_on, spec),
        status="pending",
    )


def end_plan(plan: FollowUpPlan, doctor: User) -> None:
    if plan.doctor_id != doctor.id:
        raise NotFoundError("follow-up plan not found")
    move(
        plan, expected=ACTIVE,
        values={"status": ENDED, "ended_at": utc_now(), "ended_by_id": doctor.id},
        refusal=ConflictError("this follow-up plan has already ended", "followup_ended"),
    )  # fmt: skip
    record_audit("followup.end", "followup_plan", plan.id, "follow-up plan ended", actor=doctor)


def visible_plan(user: User, plan_id: int) -> FollowUpPlan:
    """A plan its doctor or its patient (or guardian) may open; 404 for anyone else."""
    plan = db.session.get(FollowUpPlan, plan_id)
    allowed = plan is not None and (
        (user.role == Role.DOCTOR and plan.doctor_id == user.id)
        or (user.role == Role.PATIENT and plan.patient_id in own_patient_ids(user))
    )
    if not allowed:
        raise NotFoundError("follow-up plan not found")
    assert plan is not None
    return plan


def plans_of_encounter(encounter_id: int) -> list[FollowUpPlan]:
    return list(
        db.session.scalars(
            select(FollowUpPlan)
            .where(FollowUpPlan.encounter_id == encounter_id)
            .order_by(FollowUpPlan.id.desc())
        )
    )


def patient_plans(user: User) -> list[FollowUpPlan]:
    """The plans of a patient and their wards, active first, newest first."""
    return list(
        db.session.scalars(
            select(FollowUpPlan)
            .where(FollowUpPlan.patient_id.in_(own_patient_ids(user)))
            .order_by(FollowUpPlan.status, FollowUpPlan.id.desc())
        )
    )
