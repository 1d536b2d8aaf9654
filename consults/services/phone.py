"""A phone call instead of a video consult (电话问诊): the patient's side of a booked online visit
asks for a call; the treating doctor sees the request with the patient's number and records the
call (started, ended, or not reached). Each step is a process event (consults' ConsultEvent) and
an audit entry; the number kept in the record is masked. The visit stays the visit it was: a
follow-up the doctor holds personally, prescriptions by the usual path. Flushes; the caller
commits."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consults import phone_rules
from consults.models import ConsultEvent
from consults.phone_rules import PhoneError
from consults.services import booking, calls
from tcm_app.common.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from tcm_app.common.masking import mask_phone
from tcm_app.common.online_care import ONLINE_KINDS, OPEN_STATUSES, EncounterStatus
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.services import inbox
from tcm_app.services.access import own_patient_ids
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import utc_now

REQUEST_ACTION = "consult.phone_request"
RECORD_ACTION = "consult.phone_record"
KIND = "consult_phone"
PATIENT_ASKED = _l("%(name)s asks for a phone call instead of the video consult.")


@dataclass(frozen=True)
class PhoneConsult:
    """What a page shows of a visit's phone consult: its state and the patient's number."""

    state: str
    number: str  # in full for the treating doctor, masked for everyone else

    @property
    def held(self) -> bool:
        return self.state == phone_rules.HELD


def _events(encounter: Encounter) -> list[ConsultEvent]:
    return list(
        db.session.scalars(
            select(ConsultEvent)
            .where(
                ConsultEvent.encounter_id == encounter.id,
                ConsultEvent.name.in_(phone_rules.EVENTS),
            )
            .order_by(ConsultEvent.occurred_at, ConsultEvent.id)
        )
    )


def _forget_read_events(encounter: Encounter) -> None:
    """The events read with the visit (read-only) do not see the one just written: read them
    again when next asked."""
    db.session.expire(encounter, ["phone_events"])


def state_of(encounter: Encounter) -> str:
    return phone_rules.phone_state(event.name for event in _events(encounter))


def _number(encounter: Encounter) -> str:
    return encounter.patient.phone or ""


def shown_state(encounter: Encounter) -> str:
    """The phone consult as a list of visits shows it (phone_rules.shown_state), from the events
    read with the visit (`encounter.phone_events`, a visit row load): no query of its own when
    the list or page read them with its rows."""
    return phone_rules.shown_state(event.name for event in encounter.phone_events)


def phone_consult_for(encounter: Encounter, user: User) -> PhoneConsult | None:
    """The visit's phone consult as `user` sees it (None when nobody asked for one), from the
    events read with the visit."""
    state = phone_rules.phone_state(event.name for event in encounter.phone_events)
    if state == phone_rules.NONE:
        return None
    number = _number(encounter)
    shown = number if user.id == encounter.doctor_id else mask_phone(number)
    return PhoneConsult(state, shown)


def summary(encounter: Encounter, user: User) -> dict:
    """The visit's phone consult for the API: the shown state, the number as `user` may see it
    (None when nobody asked), its events in order."""
    seen = phone_consult_for(encounter, user)
    return {
        "encounter_id": encounter.id,
        "state": shown_state(encounter),
        "phone": seen.number if seen else None,
        "events": list(encounter.phone_events),
    }


def _is_patient_side(encounter: Encounter, user: User) -> bool:
    return user.role == Role.PATIENT and encounter.patient_id in own_patient_ids(user)


def request_phone(encounter: Encounter, user: User) -> ConsultEvent:
    """The patient's side asks for a phone call instead of the booked video consult (once)."""
    if not _is_patient_side(encounter, user):
        raise NotFoundError("encounter not found")
    call = encounter.call
    try:
        phone_rules.check_request(
            state_of(encounter),
            visit_open=encounter.status in OPEN_STATUSES,
            online=encounter.kind in ONLINE_KINDS,
            booked=booking.active_booking(encounter) is not None,
            call_ended=call is not None and call.ended_at is not None,
        )
    except PhoneError as exc:
        raise exc.refusal(ConflictError).audited(REQUEST_ACTION, "encounter", encounter.id) from exc
    masked = mask_phone(_number(encounter))
    event = calls.record_event(encounter.id, user.id, phone_rules.REQUESTED, {"phone": masked})
    _forget_read_events(encounter)
    record_audit(
        REQUEST_ACTION, "encounter", encounter.id, "phone call asked for instead of video",
        {"phone": masked}, actor=user,
    )  # fmt: skip
    inbox.post(
        encounter.doctor,
        KIND,
        _doctor_text(encounter),
        link=inbox.path_for("core.encounter_view", encounter_id=encounter.id),
        subject=("encounter", encounter.id),
    )
    return event


def _doctor_text(encounter: Encounter) -> str:
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return str(PATIENT_ASKED % {"name": encounter.patient.legal_name})


def record_call(encounter: Encounter, doctor: User, outcome: str) -> ConsultEvent:
    """The treating doctor records the phone call: started, ended, or the patient not reached.
    The call starting starts the visit (as the video call does); the call's length is kept."""
    from tcm_app.services.encounters import start_encounter

    if doctor.id != encounter.doctor_id:
        raise PermissionDeniedError(
            "only the treating doctor records the phone call", "not_treating_doctor"
        ).audited(RECORD_ACTION, "encounter", encounter.id)
    events = _events(encounter)
    state = phone_rules.phone_state(event.name for event in events)
    try:
        name = phone_rules.check_record(
            state, outcome, visit_open=encounter.status in OPEN_STATUSES
        )
    except PhoneError as exc:
        # an unknown outcome is bad input (422); the rest is the consult's state (409)
        kind = ValidationError if exc.code == "phone_unknown_outcome" else ConflictError
        raise exc.refusal(kind).audited(RECORD_ACTION, "encounter", encounter.id) from exc
    if name == phone_rules.STARTED and encounter.status == EncounterStatus.REQUESTED:
        start_encounter(encounter, doctor)
    detail: dict[str, str | int] = {"phone": mask_phone(_number(encounter))}
    if name == phone_rules.ENDED:
        started = next(e for e in reversed(events) if e.name == phone_rules.STARTED)
        detail["call_seconds"] = int((utc_now() - started.occurred_at).total_seconds())
    event = calls.record_event(encounter.id, doctor.id, name, detail)
    _forget_read_events(encounter)
    record_audit(
        RECORD_ACTION, "encounter", encounter.id, f"phone consult: {outcome}",
        {"outcome": outcome}, actor=doctor,
    )  # fmt: skip
    return event
