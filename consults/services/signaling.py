"""One participant's signaling session: admit by room token, relay SDP and ICE to the other side,
store chat and events, end the call. Each handled message is its own unit of work (commit)."""

from __future__ import annotations

import json
import logging
import time

from flask import current_app, url_for
from sqlalchemy.exc import SQLAlchemyError

from consults import signal_rules
from consults.services import calls
from consults.services.hub import Connection
from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.services.audit import record_refusal

log = logging.getLogger(__name__)
IDLE_SECONDS = 90  # clients ping every 20 s; a silent socket is a dead one


def hub():
    return current_app.extensions["consult_hub"]


def user_json(user) -> dict:
    return {"id": user.id, "role": str(user.role), "name": user.full_name}


def chat_json(message) -> dict:
    image_url = None
    if message.image_key:
        image_url = url_for(
            "consults.chat_image", encounter_id=message.encounter_id, message_id=message.id
        )
    return {
        "type": "chat",
        "id": message.id,
        "sender": user_json(message.sender),
        "text": message.text,
        "image_url": image_url,
        "sent_at": message.sent_at.isoformat(),
    }


def serve(ws, encounter_id: int, token: str) -> None:
    """Run one socket until it closes; refusals answer with an error frame and close."""
    try:
        encounter, user = calls.admit(encounter_id, token)
    except TCMError as exc:
        db.session.rollback()
        record_refusal(exc)
        code = "ended" if exc.code in ("call_ended", "consult_closed") else "forbidden"
        ws.send(_json({"type": "error", "code": code, "message": exc.message}))
        return
    conn = Connection(ws, encounter_id, user_json(user))
    try:
        _open(conn, user)  # inside: a failure while opening still leaves the room
        _loop(conn, encounter, user)
    finally:
        _close(conn, user)


def _open(conn: Connection, user) -> None:
    hub().join(conn)
    calls.record_event(conn.room, user.id, "joined")
    history = [chat_json(m) for m in calls.chat_history(conn.room)]
    db.session.commit()
    peers = hub().peers(conn.room, exclude=conn.id)
    conn.send({"type": "welcome", "you": conn.user, "peers": peers, "chat": history})
    hub().publish(conn.room, {"type": "peer-joined", "peer": conn.user}, exclude=conn.id)


def _close(conn: Connection, user) -> None:
    if hub().leave(conn):
        hub().publish(conn.room, {"type": "peer-left", "peer": conn.user}, exclude=conn.id)
    try:
        calls.record_event(conn.room, user.id, "left")
        db.session.commit()
    except Exception:  # the record of leaving must not hide the reason the socket ended
        db.session.rollback()
        log.exception("could not record leaving consult %s", conn.room)


def _loop(conn: Connection, encounter, user) -> None:
    limits = signal_rules.new_limits()
    while not conn.closed:
        raw = conn.ws.receive(timeout=IDLE_SECONDS)
        if raw is None:
            return
        try:
            message = signal_rules.parse_frame(raw)
            if not limits[signal_rules.limit_for(message["type"])].allow(time.monotonic()):
                raise signal_rules.MessageRefusedError(
                    "rate_limited", "too many messages; slow down"
                )
        except signal_rules.MessageRefusedError as exc:
            conn.send({"type": "error", "code": exc.code, "message": exc.message})
            continue
        if _handle(conn, encounter, user, message) == "stop":
            return


def _handle(conn, encounter, user, message):
    """One message, one unit of work. The session is always left without an open transaction:
    on SQLite even a read holds the write lock until it ends, and the other side must write."""
    try:
        outcome = HANDLERS[message["type"]](conn, encounter, user, message)
        db.session.commit()
        return outcome
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("consult %s: message not stored", conn.room)
        conn.send({"type": "error", "code": "not_stored", "message": "try again"})
        return None


def _relay(conn, encounter, user, message) -> None:
    hub().publish(conn.room, {**message, "from": conn.user}, exclude=conn.id)


def _chat(conn, encounter, user, message) -> None:
    payload = chat_json(calls.add_chat(conn.room, user, message["text"]))
    db.session.commit()
    hub().publish(conn.room, payload)


def _event(conn, encounter, user, message) -> None:
    calls.record_event(conn.room, user.id, message["name"], message.get("detail") or {})


def _ping(conn, encounter, user, message) -> None:
    conn.send({"type": "pong"})


def _hangup(conn, encounter, user, message) -> str:
    calls.end_call(encounter, user)
    db.session.commit()  # on the record before anybody is told
    hub().publish(conn.room, {"type": "hangup", "by": conn.user})
    return "stop"


HANDLERS = {
    "offer": _relay,
    "answer": _relay,
    "ice": _relay,
    "chat": _chat,
    "event": _event,
    "ping": _ping,
    "hangup": _hangup,
}


def _json(message: dict) -> str:
    return json.dumps(message, ensure_ascii=False)
