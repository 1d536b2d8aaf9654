"""The consult WebSocket's controller (framework glue beside views.py, not a service): one
participant's signaling session, admitted by room token, relaying SDP and ICE to the other side,
storing chat and events through the services, ending the call. Each handled message is its own
unit of work (commit)."""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import UTC, datetime

from flask import current_app, url_for
from simple_websocket import ConnectionClosed
from sqlalchemy.exc import SQLAlchemyError

from consults import event_clock, signal_rules
from consults.services import calls
from consults.services.hub import (
    CLOSE_ENDED,
    CLOSE_IDLE,
    CLOSE_NORMAL,
    CLOSE_REFUSED,
    Connection,
    close_socket,
    current_hub,
    finish_close,
)
from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.services.audit import record_refusal
from tcm_app.services.clock import utc_now

log = logging.getLogger(__name__)
PAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def idle_seconds() -> int:
    """The page pings every CONSULT_PING_SECONDS; a socket silent this long is a dead one."""
    return current_app.config["CONSULT_IDLE_SECONDS"]


def user_json(user, page: str = "") -> dict:
    """Who is on a socket; `page` names the page that opened it, so that the other side tells a
    socket reconnect of the same page (keep the call) from a new page (start the call afresh)."""
    person = {"id": user.id, "role": str(user.role), "name": user.full_name}
    if PAGE_ID.fullmatch(page or ""):
        person["page"] = page
    return person


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


def serve(ws, encounter_id: int, token: str, page: str = "") -> None:
    """Run one socket until it closes. Refusals answer with an error frame, then close with a code
    and reason; so do the idle limit, hang-up and a replaced socket."""
    try:
        encounter, user = calls.admit(encounter_id, token)
    except TCMError as exc:
        db.session.rollback()
        record_refusal(exc)
        ended = exc.code in ("call_ended", "consult_closed")
        code = "ended" if ended else "forbidden"
        ws.send(_json({"type": "error", "code": code, "message": exc.message}))
        close_socket(ws, CLOSE_ENDED if ended else CLOSE_REFUSED, "ended" if ended else "refused")
        return
    conn = Connection(ws, encounter_id, user_json(user, page))
    cause = "error"
    try:
        _open(conn, user)  # inside: a failure while opening still leaves the room
        cause = _loop(conn, encounter, user)
    finally:
        _close(conn, user, cause)


def _open(conn: Connection, user) -> None:
    current_hub().join(conn)
    calls.record_event(conn.room, user.id, "joined", _page_detail(conn))
    history = [chat_json(m) for m in calls.chat_history(conn.room)]
    db.session.commit()
    peers = current_hub().peers(conn.room, exclude=conn.id)
    conn.send({"type": "welcome", "you": conn.user, "peers": peers, "chat": history})
    current_hub().publish(conn.room, {"type": "peer-joined", "peer": conn.user}, exclude=conn.id)


def _page_detail(conn: Connection) -> dict:
    return {"page": conn.user["page"]} if "page" in conn.user else {}


# Why a socket ended -> how it is closed (code, reason); None: the browser closed it already.
CLOSES = {
    "idle": (CLOSE_IDLE, "idle"),
    "hangup": (CLOSE_ENDED, "ended"),
    "bye": (CLOSE_NORMAL, "bye"),
    "error": (CLOSE_NORMAL, "error"),
    "closed": None,
}


def _close(conn: Connection, user, cause: str) -> None:
    replaced = not current_hub().leave(conn)
    if not replaced:
        reason = "left" if conn.leaving else "lost"
        message = {"type": "peer-left", "peer": conn.user, "reason": reason}
        current_hub().publish(conn.room, message, exclude=conn.id)
    if CLOSES.get(cause) and not conn.closed:
        conn.close(*CLOSES[cause], wait=True)
    else:
        finish_close(conn.ws)
    try:
        detail = {**_page_detail(conn), "cause": "replaced" if replaced else cause}
        calls.record_event(conn.room, user.id, "left", detail)
        db.session.commit()
    except Exception:  # the record of leaving must not hide the reason the socket ended
        db.session.rollback()
        log.exception("could not record leaving consult %s", conn.room)


def _loop(conn: Connection, encounter, user) -> str:
    """Handle frames until the socket ends; returns why it ended (a key of CLOSES)."""
    limits = signal_rules.new_limits()
    while not conn.closed:
        try:
            raw = conn.ws.receive(timeout=idle_seconds())
        except ConnectionClosed:
            return "closed"
        if raw is None:
            return "closed" if conn.closed else "idle"
        try:
            message = signal_rules.parse_frame(raw)
            if not limits[signal_rules.limit_for(message["type"])].allow(time.monotonic()):
                raise signal_rules.MessageRefusedError(
                    "rate_limited", "too many messages; slow down"
                )
        except signal_rules.MessageRefusedError as exc:
            conn.send({"type": "error", "code": exc.code, "message": exc.message})
            continue
        outcome = _handle(conn, encounter, user, message)
        if outcome is not None:
            return outcome
    return "closed"


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
    current_hub().publish(conn.room, {**message, "from": conn.user}, exclude=conn.id)


def _chat(conn, encounter, user, message) -> None:
    payload = chat_json(calls.add_chat(conn.room, user, message["text"]))
    db.session.commit()
    current_hub().publish(conn.room, payload)


def _event(conn, encounter, user, message) -> None:
    """Store a page's event once, then acknowledge its number: the page keeps an event and sends
    it again on its next socket until acknowledged (a socket may die with events in flight)."""
    seq, page_id = message.get("seq"), conn.user.get("page")
    numbered = seq is not None and page_id is not None
    if not (numbered and calls.event_stored(conn.room, page_id, seq)):
        received_ms = _now_ms()
        when = event_clock.event_time(message.get("at"), conn.clock, received_ms)
        calls.record_event(
            conn.room,
            user.id,
            message["name"],
            message.get("detail") or {},
            occurred=_datetime(when.occurred_ms),
            browser_at=_datetime(message["at"]) if when.source == "browser" else None,
            page=(page_id, seq) if numbered else None,
        )
        db.session.commit()
    if seq is not None:
        conn.send({"type": "ack", "seq": seq})


def _ping(conn, encounter, user, message) -> None:
    """Heartbeat: the answer carries the page's own send time back (its round trip) and the
    server's time; the ping's send time also tells this socket's browser clock offset."""
    now = _now_ms()
    conn.clock.sample(message.get("t"), now)
    conn.send({"type": "pong", "t": message.get("t"), "server": now})


def _bye(conn, encounter, user, message) -> str:
    conn.leaving = True
    return "bye"


def _hangup(conn, encounter, user, message) -> str:
    conn.leaving = True  # the other side reads "left", not "lost"
    calls.end_call(encounter, user)
    db.session.commit()  # on the record before anybody is told
    current_hub().publish(conn.room, {"type": "hangup", "by": conn.user})
    return "hangup"


HANDLERS = {
    **dict.fromkeys(signal_rules.RELAYED, _relay),
    "chat": _chat,
    "event": _event,
    "ping": _ping,
    "bye": _bye,
    "hangup": _hangup,
}


def _now_ms() -> int:
    return int(utc_now().timestamp() * 1000)


def _datetime(ms) -> datetime:
    return datetime.fromtimestamp(int(ms) / 1000, UTC)


def _json(message: dict) -> str:
    return json.dumps(message, ensure_ascii=False)
