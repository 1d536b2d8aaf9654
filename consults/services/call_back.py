"""Calling the patient back into a video consult that broke: the doctor's list of started calls
whose patient side is gone, and the call-back itself (a process event, an audit entry and a
message to the patient's phone leading to the call page). Services flush; the view commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from consults.models import ConsultCall, ConsultEvent
from consults.services import calls
from consults.services.hub import current_hub
from tcm_app.common.errors import ConflictError, PermissionDeniedError
from tcm_app.common.online_care import ONLINE_KINDS, OPEN_STATUSES
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.models.patients import Patient
from tcm_app.services import inbox
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import utc_now

HORIZON = timedelta(hours=12)  # an older call is not "just broken": the doctor starts it again
GAP = timedelta(seconds=60)  # one call-back a minute: the patient's phone is not spammed
EVENT = "call_back"
KIND = "consult_call_back"
ACTION = "consult.call_back"


@dataclass(frozen=True)
class BrokenCall:
    """A started call whose patient is not connected; `left_at` is when they were last seen."""

    call: ConsultCall
    left_at: datetime | None
    called_back_at: datetime | None
    away_minutes: int  # since the patient left, or since the start if they never joined

    @property
    def encounter(self) -> Encounter:
        return self.call.encounter


def broken_calls(doctor: User) -> list[BrokenCall]:
    """The doctor's started, unended video consults of open visits (last 12 h) whose patient
    side is not connected now, newest first."""
    started = db.session.scalars(
        select(ConsultCall)
        .join(Encounter, Encounter.id == ConsultCall.encounter_id)
        .where(
            Encounter.doctor_id == doctor.id,
            Encounter.kind.in_(tuple(ONLINE_KINDS)),
            Encounter.status.in_(tuple(OPEN_STATUSES)),
            ConsultCall.started_at.is_not(None),
            ConsultCall.started_at > utc_now() - HORIZON,
            ConsultCall.ended_at.is_(None),
        )
        .order_by(ConsultCall.started_at.desc(), ConsultCall.id.desc())
        # who the patient side is (participant_ids), for every call at once
        .options(
            contains_eager(ConsultCall.encounter).options(
                selectinload(Encounter.guardian),
                selectinload(Encounter.patient).selectinload(Patient.guardian),
            )
        )
    ).all()
    broken = [call for call in started if not patient_connected(call.encounter_id)]
    encounter_ids = [call.encounter_id for call in broken]
    left = _last_left_by_actor(encounter_ids)
    called_back = _last_call_backs(encounter_ids)
    return [_broken(call, left, called_back) for call in broken]


def _broken(call: ConsultCall, left: dict, called_back: dict) -> BrokenCall:
    patient_side = calls.participant_ids(call.encounter) - {call.encounter.doctor_id}
    left_at = max(
        (
            left[call.encounter_id, actor]
            for actor in patient_side
            if (call.encounter_id, actor) in left
        ),
        default=None,
    )
    now = utc_now()
    away = now - (left_at or call.started_at or now)
    minutes = max(0, int(away.total_seconds() // 60))
    return BrokenCall(call, left_at, called_back.get(call.encounter_id), minutes)


def patient_connected(encounter_id: int) -> bool:
    """Whether the patient (or the guardian, also a patient account) is in the room now."""
    return any(peer["role"] == Role.PATIENT for peer in current_hub().peers(encounter_id))


def _last_left_by_actor(encounter_ids: list[int]) -> dict[tuple[int, int | None], datetime]:
    """When each participant last left each of the calls, by (encounter id, actor id)."""
    if not encounter_ids:
        return {}
    rows = db.session.execute(
        select(ConsultEvent.encounter_id, ConsultEvent.actor_id, func.max(ConsultEvent.occurred_at))
        .where(ConsultEvent.encounter_id.in_(encounter_ids), ConsultEvent.name == "left")
        .group_by(ConsultEvent.encounter_id, ConsultEvent.actor_id)
    )
    return {(encounter_id, actor_id): at for encounter_id, actor_id, at in rows}


def _last_call_backs(encounter_ids: list[int]) -> dict[int, datetime]:
    """The last call-back of each of the calls, by encounter id."""
    if not encounter_ids:
        return {}
    rows = db.session.execute(
        select(ConsultEvent.encounter_id, func.max(ConsultEvent.occurred_at))
        .where(ConsultEvent.encounter_id.in_(encounter_ids), ConsultEvent.name == EVENT)
        .group_by(ConsultEvent.encounter_id)
    )
    return {encounter_id: at for encounter_id, at in rows}


def _last_call_back_at(encounter_id: int) -> datetime | None:
    return _last_call_backs([encounter_id]).get(encounter_id)


def call_back(encounter: Encounter, doctor: User):
    """The treating doctor asks the patient back into the started call. Flushes."""
    if doctor.id != encounter.doctor_id:
        raise PermissionDeniedError(
            "only the treating doctor calls the patient back", "not_treating_doctor"
        ).audited(ACTION, "encounter", encounter.id)
    calls.require_joinable(encounter, doctor, ACTION)
    call = _locked_call(encounter)
    if call is None or call.started_at is None or call.ended_at is not None:
        raise ConflictError("the call is not in progress; start it again", "call_not_in_progress")
    if patient_connected(encounter.id):
        raise ConflictError("the patient is in the call already", "patient_in_call")
    last = _last_call_back_at(encounter.id)
    if last is not None and utc_now() - last < GAP:
        raise ConflictError(
            "you called this patient back less than a minute ago; wait a moment",
            "call_back_too_soon",
        )
    calls.record_event(encounter.id, doctor.id, EVENT)
    record_audit(ACTION, "encounter", encounter.id, "doctor called the patient back", actor=doctor)
    return inbox.post_about(
        encounter.patient,
        KIND,
        message_text(),
        link=inbox.path_for("consults.call_page", encounter_id=encounter.id),
        subject=("encounter", encounter.id),
    )


def _locked_call(encounter: Encounter) -> ConsultCall | None:
    """The call row, locked until commit: two call-backs at once are one after the other."""
    return db.session.scalar(
        select(ConsultCall)
        .where(ConsultCall.encounter_id == encounter.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def message_text() -> str:
    """The message in the clinic's language (the patient's, not the doctor's page language)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _("The doctor is waiting for you in the video consult. Tap here to return to it.")
