"""The elderly mode (长辈模式): the patient's own setting, and what its home page shows."""

from datetime import date

from sqlalchemy.orm import joinedload

from tcm_app.common.online_care import EncounterStatus
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.encounters import Encounter
from tcm_app.services.access import encounters_query
from tcm_app.services.audit import record_audit

OPEN_VISITS = (EncounterStatus.REQUESTED, EncounterStatus.IN_PROGRESS)


def set_elder_mode(user: User, on: bool) -> None:
    """Switch the mode on or off for this account (kept until switched again), audited."""
    before = bool(user.elder_mode)
    user.elder_mode = bool(on)
    record_audit(
        "account.elder_mode",
        "user",
        user.id,
        f"elderly mode {'on' if on else 'off'}",
        {"before": before, "after": bool(on)},
        actor=user,
    )


def visit_to_show(user: User, own_ids: list[int], today: date, *loads) -> Encounter | None:
    """我今天的就诊: today's open visit if there is one, else the next one (requested or in
    progress, scheduled today or later), for the patient and everyone they act for."""
    return db.session.scalar(
        encounters_query(user, own_ids)
        .where(Encounter.status.in_(OPEN_VISITS), Encounter.scheduled_on >= today)
        .order_by(Encounter.scheduled_on, Encounter.id)
        .options(joinedload(Encounter.doctor), joinedload(Encounter.patient), *loads)
        .limit(1)
    )
