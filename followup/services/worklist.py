"""The doctor's follow-up list: each active plan with the alerts not yet handled, the tasks
overdue and the next one due; alerts first, then the most overdue, then by the next date. A
contact the doctor records handles the alerts raised before it. Flushes."""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from followup.models import FollowUpContact, FollowUpPlan, FollowUpTask
from followup.plan_rules import DONE, OVERDUE, task_state
from followup.services.plans import ACTIVE
from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import utc_now

CHANNELS = ("phone", "message", "video", "in_clinic")
CONTACT_NOTE_MAX = 2000


@dataclass(frozen=True)
class PlanRow:
    plan: FollowUpPlan
    alerts: list[FollowUpTask]  # answered tasks whose alerts are not yet handled
    overdue: list[FollowUpTask]
    next_due: date | None
    last_contact: FollowUpContact | None

    @property
    def sort_key(self) -> tuple:
        return (not self.alerts, -len(self.overdue), self.next_due or date.max, self.plan.id)


def state_of(task: FollowUpTask, today: date) -> str:
    grace = current_app.config["FOLLOWUP_GRACE_DAYS"]
    return task_state(task.due_on, task.status == "done", today, grace)


def plan_row(plan: FollowUpPlan, today: date, last_contact=None) -> PlanRow:
    states = {task.id: state_of(task, today) for task in plan.tasks}
    return PlanRow(
        plan=plan,
        alerts=[t for t in plan.tasks if t.alerted and t.alerts_handled_at is None],
        overdue=[t for t in plan.tasks if states[t.id] == OVERDUE],
        next_due=min((t.due_on for t in plan.tasks if states[t.id] != DONE), default=None),
        last_contact=last_contact,
    )


def worklist(doctor: User, today: date) -> list[PlanRow]:
    plans = db.session.scalars(
        select(FollowUpPlan)
        .where(FollowUpPlan.doctor_id == doctor.id, FollowUpPlan.status == ACTIVE)
        .options(selectinload(FollowUpPlan.tasks), selectinload(FollowUpPlan.patient))
    ).all()
    contacts = _last_contacts([p.id for p in plans])
    rows = [plan_row(plan, today, contacts.get(plan.id)) for plan in plans]
    return sorted(rows, key=lambda row: row.sort_key)


def _last_contacts(plan_ids: list[int]) -> dict[int, FollowUpContact]:
    if not plan_ids:
        return {}
    contacts = db.session.scalars(
        select(FollowUpContact)
        .where(FollowUpContact.plan_id.in_(plan_ids))
        .order_by(FollowUpContact.id)
    ).all()
    return {contact.plan_id: contact for contact in contacts}  # the last one wins


def contacts_of(plan: FollowUpPlan) -> list[FollowUpContact]:
    return list(
        db.session.scalars(
            select(FollowUpContact)
            .where(FollowUpContact.plan_id == plan.id)
            .order_by(FollowUpContact.id.desc())
        )
    )


def record_contact(plan: FollowUpPlan, doctor: User, channel: str, note: str) -> FollowUpContact:
    """Keep the doctor's contact; the alerts raised so far count as handled."""
    if plan.doctor_id != doctor.id or plan.status != ACTIVE:
        raise ConflictError("this follow-up plan has ended", "followup_ended")
    note = (note or "").strip()
    fields = {}
    if channel not in CHANNELS:
        fields["channel"] = ["channel_required"]
    if not note:
        fields["note"] = ["contact_note_required"]
    elif len(note) > CONTACT_NOTE_MAX:
        fields["note"] = ["note_too_long"]
    if fields:
        raise ValidationError("record how and what", next(iter(fields.values()))[0], fields)
    now = utc_now()
    contact = FollowUpContact(plan_id=plan.id, by_id=doctor.id, at=now, channel=channel, note=note)
    db.session.add(contact)
    db.session.execute(
        update(FollowUpTask)
        .where(
            FollowUpTask.plan_id == plan.id,
            FollowUpTask.alerted.is_(True),
            FollowUpTask.alerts_handled_at.is_(None),
        )
        .values(alerts_handled_at=now)
    )
    db.session.flush()
    record_audit(
        "followup.contact", "followup_plan", plan.id, f"contact by {channel} recorded",
        actor=doctor,
    )  # fmt: skip
    return contact


def alert_count(doctor: User) -> int:
    """Active plans of the doctor's with an alert not yet handled (the workbench's figure)."""
    rows = db.session.scalars(
        select(FollowUpTask.plan_id)
        .join(FollowUpPlan)
        .where(
            FollowUpPlan.doctor_id == doctor.id,
            FollowUpPlan.status == ACTIVE,
            FollowUpTask.alerted.is_(True),
            FollowUpTask.alerts_handled_at.is_(None),
        )
    ).all()
    return len(set(rows))
