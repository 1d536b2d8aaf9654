"""治未病 care plans: a doctor enrols a patient for their constitution with a goal and a
reassessment interval; the patient is reminded (inbox and phone) when the next questionnaire
falls due, once per due date; each new assessment sets the next date. Flushes."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from constitution.models import CarePlan
from constitution.services import scales
from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.encounters import Encounter
from tcm_app.services import inbox
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today, utc_now
from tcm_app.services.transitions import move, move_row

ACTIVE, ENDED = "active", "ended"
ENROLLED = _l(
    "Dr %(name)s enrolled you in a care plan for your constitution; the next questionnaire is "
    "due on %(date)s."
)
REASSESS_DUE = _l("It is time to take the constitution questionnaire again for your care plan.")
REASSESS_DAYS = (14, 365)


def enrol(
    doctor: User, encounter: Encounter, constitution: str, goal: str, reassess_days: int
) -> CarePlan:
    low, high = REASSESS_DAYS
    if constitution not in scales.type_codes():
        raise ValidationError("choose a constitution", "constitution_required",
                              fields={"constitution": ["constitution_required"]})  # fmt: skip
    if not low <= reassess_days <= high:
        raise ValidationError("reassess every 14 to 365 days", "bad_reassess_days",
                              fields={"reassess_days": ["bad_reassess_days"]})  # fmt: skip
    plan = CarePlan(
        patient_id=encounter.patient_id,
        constitution=constitution,
        goal=goal.strip(),
        reassess_days=reassess_days,
        next_due=clinic_today() + timedelta(days=reassess_days),
        status=ACTIVE,
        enrolled_by_id=doctor.id,
        enrolled_at=utc_now(),
    )
    db.session.add(plan)
    db.session.flush()
    record_audit(
        "constitution.enrol", "constitution_care_plan", plan.id,
        f"care plan for {constitution}, reassess every {reassess_days} days",
        {"encounter": encounter.id}, actor=doctor,
    )  # fmt: skip
    inbox.post_about(
        encounter.patient,
        "constitution_plan",
        inbox.text_about(encounter.patient, ENROLLED, name=doctor.full_name, date=plan.next_due),
        link=inbox.path_for("constitution.my_assessments", patient_id=plan.patient_id),
        subject=("constitution_care_plan", plan.id),
    )  # fmt: skip
    return plan


def end(plan: CarePlan, doctor: User) -> None:
    move(
        plan,
        expected=ACTIVE,
        values={"status": ENDED, "ended_by_id": doctor.id, "ended_at": utc_now()},
        refusal=ConflictError("this care plan has already ended", "plan_ended"),
    )
    record_audit(
        "constitution.end_plan", "constitution_care_plan", plan.id, "care plan ended",
        actor=doctor,
    )  # fmt: skip


def active_plans(patient_id: int) -> list[CarePlan]:
    return list(
        db.session.scalars(
            select(CarePlan)
            .where(CarePlan.patient_id == patient_id, CarePlan.status == ACTIVE)
            .order_by(CarePlan.id)
        )
    )


def reassessed(patient_id: int, today: date) -> None:
    """A new assessment was submitted: each active plan's next questionnaire is due again a
    full interval from today (a bookkeeping move: it bumps no version)."""
    for plan in active_plans(patient_id):
        move_row(
            CarePlan, plan.id, expected=ACTIVE,
            values={"next_due": today + timedelta(days=plan.reassess_days)}, bump_version=False,
        )  # fmt: skip


def send_due_reminders(today: date) -> int:
    """Remind each active plan whose questionnaire is due, once per due date. Returns how many.
    A plan is claimed by a guarded update first, so two workers never both remind it."""
    due = db.session.scalars(
        select(CarePlan).where(
            CarePlan.status == ACTIVE,
            CarePlan.next_due <= today,
            or_(CarePlan.reminded_on.is_(None), CarePlan.reminded_on < CarePlan.next_due),
        )
    ).all()
    sent = 0
    for plan in due:
        claimed = move_row(
            CarePlan, plan.id, expected=ACTIVE, values={"reminded_on": today},
            where=[or_(CarePlan.reminded_on.is_(None), CarePlan.reminded_on < CarePlan.next_due)],
            bump_version=False,
        )  # fmt: skip
        if claimed:
            _remind(plan)
            sent += 1
    return sent


def _remind(plan: CarePlan) -> None:
    inbox.post_about(
        plan.patient,
        "constitution_reassess",
        inbox.text_about(plan.patient, REASSESS_DUE),
        link=inbox.path_for("constitution.my_assessments", patient_id=plan.patient_id),
        subject=("constitution_care_plan", plan.id),
    )
    record_audit(
        "constitution.remind", "constitution_care_plan", plan.id, "reassessment reminder sent",
        actor=None,
    )  # fmt: skip
