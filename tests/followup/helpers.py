"""Shared builders of the follow-up tests: a started visit with an approved prescription, a
plan on it, messages read back, the clinic clock at noon on a day."""

from datetime import date

import time_machine
from sqlalchemy import select

from followup.services import plans
from tcm_app.extensions import db
from tcm_app.models.inbox import InboxMessage
from tests.factories import approved_prescription, create_prescribable_encounter

START = date(2026, 3, 2)  # a Monday; the tests count days from it
CALM = {"symptoms": 2, "taken": 1, "reaction": 1, "stool": 1, "appetite": 2, "sleep": 3}


def at_noon(day: date):
    return time_machine.travel(f"{day.isoformat()}T04:00:00Z", tick=False)  # 12:00 in Shanghai


def visit_with_prescription():
    """(encounter, its approved prescription), committed."""
    encounter = create_prescribable_encounter()
    rx = approved_prescription(encounter=encounter)
    return encounter, rx


def herbal_plan(encounter, rx=None, start=START):
    plan = plans.create_plan(
        encounter.doctor, encounter, template_code="herbal_course", tasks=[], start_on=start,
        prescription_id=rx.id if rx else None,
    )  # fmt: skip
    db.session.commit()
    return plan


def messages(user, kind) -> list[str]:
    return list(
        db.session.scalars(
            select(InboxMessage.text)
            .where(InboxMessage.user_id == user.id, InboxMessage.kind == kind)
            .order_by(InboxMessage.id)
        )
    )
