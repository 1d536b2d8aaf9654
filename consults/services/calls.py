"""Video consults: who may join, room tokens and ICE servers, the waiting room, start and end,
events and chat (process records, 全程留痕). Services flush; the caller commits."""

from __future__ import annotations

import time
from datetime import timedelta
from functools import partial

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from consults import tokens
from consults.models import ChatMessage, ConsultCall, ConsultEvent
from tcm_app.common.errors import ConflictError, PermissionDeniedError
from tcm_app.common.online_care import ONLINE_KINDS, OPEN_STATUSES
from tcm_app.common.voice_notes import strip_voice_metadata
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.models.types import utcnow
from tcm_app.services import documents
from tcm_app.services.audit import record_audit
from tcm_app.services.uploads import store_upload

CHAT_HISTORY = 200
CHAT_FOLDER = "chat"  # under UPLOAD_FOLDER


def participant_ids(encounter: Encounter) -> set[int]:
    """The encounter's doctor, the patient's own account, and the guardian's account."""
    ids = {encounter.doctor_id}
    patient = encounter.patient
    if patient.user_id:
        ids.add(patient.user_id)
    guardian = encounter.guardian or patient.guardian
    if guardian is not None and guardian.user_id:
        ids.add(guardian.user_id)
    return ids


def call_of(encounter: Encounter) -> ConsultCall:
    call = encounter.call
    if call is None:
        call = ConsultCall(encounter=encounter)
        db.session.add(call)
        db.session.flush()
    return call


def require_joinable(encounter: Encounter, user: User, action: str = "consult.join") -> None:
    """Only its participants join an open online visit whose call has not ended."""
    if user.id not in participant_ids(encounter):
        raise PermissionDeniedError(
            "you are not a participant of this consult", "not_participant"
        ).audited(action, "encounter", encounter.id)
    if encounter.kind not in ONLINE_KINDS or encounter.status not in OPEN_STATUSES:
        raise ConflictError("this consult is closed", "consult_closed").audited(
            action, "encounter", encounter.id
        )
    call = encounter.call
    if user.role != Role.DOCTOR and call is not None and call.ended_at is not None:
        raise ConflictError("the doctor ended this call", "call_ended").audited(
            action, "encounter", encounter.id
        )


def _secret() -> bytes:
    return ("room-token:" + current_app.config["SECRET_KEY"]).encode()


def room_token(encounter: Encounter, user: User) -> str:
    """A token that opens one socket to this consult for this user, for a short while."""
    require_joinable(encounter, user, "consult.token")
    lifetime = current_app.config["CONSULT_ROOM_TOKEN_SECONDS"]
    return tokens.issue_room_token(_secret(), encounter.id, user.id, int(time.time()), lifetime)


def admit(encounter_id: int, token: str) -> tuple[Encounter, User]:
    """The encounter and user behind a room token, if they may still join; raises otherwise."""
    try:
        grant = tokens.verify_room_token(_secret(), token, encounter_id, int(time.time()))
    except tokens.TokenRefusedError as exc:
        refused = exc.refusal(
            PermissionDeniedError, message=f"room token refused: {exc.code}", code="bad_room_token"
        )
        raise refused.audited("consult.join", "encounter", encounter_id) from exc
    encounter = db.session.get(Encounter, encounter_id)
    user = db.session.get(User, grant.user_id)
    if encounter is None or user is None or not user.active:
        raise PermissionDeniedError("room token refused", "bad_room_token")
    require_joinable(encounter, user)
    return encounter, user


def ice_servers(user: User) -> list[dict]:
    """STUN and TURN from configuration; TURN passwords per call (coturn REST API scheme)."""
    config = current_app.config
    servers = [{"urls": url} for url in config["CONSULT_STUN_URLS"]]
    if config["CONSULT_TURN_URLS"] and config["CONSULT_TURN_SECRET"]:
        username, password = tokens.turn_credentials(
            config["CONSULT_TURN_SECRET"], user.id, int(time.time()), config["CONSULT_TURN_TTL"]
        )
        servers.append(
            {
                "urls": list(config["CONSULT_TURN_URLS"]),
                "username": username,
                "credential": password,
            }
        )
    return servers


def record_event(
    encounter_id: int,
    user_id: int | None,
    name: str,
    detail: dict | None = None,
    occurred=None,
    browser_at=None,
    page: tuple[str, int] | None = None,
):
    """An event of the consult's process record. `occurred` is when it happened (a page's time,
    checked by the caller against ours), `browser_at` the page's own clock reading; the arrival
    is always kept beside them."""
    now = utcnow()
    occurred = occurred or now
    if name == "connected":
        call = db.session.scalar(
            select(ConsultCall).where(ConsultCall.encounter_id == encounter_id)
        )
        if call is not None and call.connected_at is None:
            call.connected_at = occurred
    # Events are append-only (a trigger refuses UPDATE): complete before the first flush.
    event = ConsultEvent(
        encounter_id=encounter_id,
        actor_id=user_id,
        name=name,
        detail=detail or {},
        occurred_at=occurred,
        received_at=now,
        browser_at=browser_at,
        page_id=page[0] if page else None,
        page_seq=page[1] if page else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


def event_stored(encounter_id: int, page_id: str, seq: int) -> bool:
    """Whether a page's numbered event is on the record already (sent again after a reconnect)."""
    return (
        db.session.scalar(
            select(ConsultEvent.id).where(
                ConsultEvent.encounter_id == encounter_id,
                ConsultEvent.page_id == page_id,
                ConsultEvent.page_seq == seq,
            )
        )
        is not None
    )


def enter_waiting_room(encounter: Encounter, user: User) -> ConsultCall:
    require_joinable(encounter, user, "consult.wait")
    call = call_of(encounter)
    if user.role != Role.DOCTOR and call.waiting_since is None and call.started_at is None:
        call.waiting_since = utcnow()
        record_event(encounter.id, user.id, "waiting")
    return call


def start_call(encounter: Encounter, doctor: User) -> ConsultCall:
    """The doctor starts (or restarts) the call; the visit starts with it."""
    from tcm_app.services.encounters import start_encounter

    if doctor.id != encounter.doctor_id:
        raise PermissionDeniedError("only the treating doctor starts the call", "not_participant")
    require_joinable(encounter, doctor, "consult.start")
    if encounter.status == "requested":
        start_encounter(encounter, doctor)
    call = call_of(encounter)
    # A restart is a new call: its connection and its durations count from now.
    call.started_at, call.ended_at, call.ended_by_id = utcnow(), None, None
    call.connected_at = None
    record_event(encounter.id, doctor.id, "call_started")
    record_audit("consult.start", "encounter", encounter.id, "video consult started", actor=doctor)
    return call


def end_call(encounter: Encounter, user: User) -> dict:
    """Hang up for everybody: the end, who ended it and the durations go on the record."""
    call = call_of(encounter)
    now = utcnow()
    if call.ended_at is None:
        call.ended_at, call.ended_by_id = now, user.id
    detail = {
        "by_role": str(user.role),
        "call_seconds": _seconds(call.started_at, now),
        "connected_seconds": _seconds(call.connected_at, now),
        "waited_seconds": _seconds(call.waiting_since, call.started_at),
    }
    record_event(encounter.id, user.id, "ended", detail)
    return detail


def _seconds(start, end) -> int | None:
    return int((end - start).total_seconds()) if start and end else None


def add_chat(encounter_id: int, user: User, text: str) -> ChatMessage:
    message = ChatMessage(encounter_id=encounter_id, sender_id=user.id, text=text.strip())
    db.session.add(message)
    db.session.flush()
    return message


def add_chat_image(encounter: Encounter, user: User, data: bytes) -> ChatMessage:
    """An image in the chat: its size checked from the header, its metadata stripped without
    decoding the pixels (documents.sanitise_upload, as for documents); kept with the records."""
    require_joinable(encounter, user, "consult.chat")
    return store_chat_image(encounter, user, data)


def store_chat_image(encounter: Encounter, user: User, data: bytes) -> ChatMessage:
    """Keep a checked and stripped image as a chat message (the caller decided the user may
    write: in a call, or in a text consult)."""
    if data.startswith(b"%PDF-"):  # refused before the PDF is parsed, as it was after
        raise ConflictError("only JPEG or PNG images go in the chat", "unsupported_type")
    kind, cleaned = documents.sanitise_upload(data)
    message = partial(
        ChatMessage,
        encounter_id=encounter.id,
        sender_id=user.id,
        image_mime=documents.CONTENT_TYPES[kind],
    )
    suffix = documents.EXTENSIONS[kind]
    return store_upload(
        cleaned, suffix, lambda stored: message(image_key=stored.storage_key), folder=CHAT_FOLDER
    )


def store_voice_note(encounter: Encounter, user: User, data: bytes, kind) -> ChatMessage:
    """Keep a recording (its type read from its header by the caller) as a chat message, its
    tags (device, place, names) taken out of the container first."""
    data = strip_voice_metadata(data, kind)
    message = partial(
        ChatMessage, encounter_id=encounter.id, sender_id=user.id, audio_mime=kind.mime
    )
    return store_upload(
        data, kind.suffix, lambda stored: message(audio_key=stored.storage_key), folder=CHAT_FOLDER
    )


def chat_history(encounter_id: int) -> list[ChatMessage]:
    rows = db.session.scalars(
        select(ChatMessage)
        .where(ChatMessage.encounter_id == encounter_id)
        .order_by(ChatMessage.id.desc())
        .limit(CHAT_HISTORY)
    ).all()
    return list(reversed(rows))


def timeline(encounter: Encounter) -> list[tuple]:
    """Events and chat of the consult in time order: (time, kind, row)."""
    events = db.session.scalars(
        select(ConsultEvent).where(ConsultEvent.encounter_id == encounter.id)
    ).all()
    chats = db.session.scalars(
        select(ChatMessage).where(ChatMessage.encounter_id == encounter.id)
    ).all()
    rows = [(e.occurred_at, "event", e) for e in events] + [(c.sent_at, "chat", c) for c in chats]
    return sorted(rows, key=lambda row: (row[0], row[2].id))


def waiting_patients(doctor: User) -> list[ConsultCall]:
    """The doctor's waiting room: patients waiting and not yet called, longest wait first."""
    horizon = utcnow() - timedelta(hours=12)
    return list(
        db.session.scalars(
            select(ConsultCall)
            .join(Encounter, Encounter.id == ConsultCall.encounter_id)
            .where(
                Encounter.doctor_id == doctor.id,
                Encounter.status.in_(tuple(OPEN_STATUSES)),
                ConsultCall.waiting_since.is_not(None),
                ConsultCall.waiting_since > horizon,
                ConsultCall.ended_at.is_(None),
            )
            .order_by(ConsultCall.waiting_since)
            # the waiting room names each patient: one query for them all
            .options(contains_eager(ConsultCall.encounter).selectinload(Encounter.patient))
        )
    )
