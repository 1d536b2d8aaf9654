"""The consult socket refuses what HTTP refuses (issue 15, finding 6): text a database cannot
store (NUL, a lone surrogate sent as the JSON escape "\\ud800" inside valid UTF-8) in any field of
any message, and JSON nested deeper than MAX_JSON_DEPTH. The sender gets an error frame in the
protocol's format, nothing is stored or relayed, and the same socket goes on working."""

import json

import pytest
import sqlalchemy as sa

from consults.models import ChatMessage, ConsultEvent
from tcm_app.extensions import db
from tests.consults.test_signaling import close, connect, receive, token_for
from tests.factories import create_prescribable_encounter


@pytest.fixture
def pair(app, live_server):
    """A doctor and a patient on the socket of one online follow-up, both welcomed."""
    host = live_server.removeprefix("http://")
    consult = create_prescribable_encounter()
    d_token = token_for(app, consult, consult.doctor)
    p_token = token_for(app, consult, consult.patient.user)
    encounter_id = consult.id
    db.session.commit()
    db.session.remove()  # release SQLite before the server's threads write
    doctor_ws = connect(host, encounter_id, d_token)
    receive(doctor_ws, "welcome")
    patient_ws = connect(host, encounter_id, p_token)
    receive(patient_ws, "welcome")
    receive(doctor_ws, "peer-joined")
    yield doctor_ws, patient_ws
    for ws in (doctor_ws, patient_ws):
        close(ws)


def nested(depth: int) -> str:
    """An object nested `depth` levels deep, as JSON text (json.dumps itself would recurse)."""
    return '{"a":' * depth + "1" + "}" * depth


REFUSED = [
    (
        "a lone surrogate in a chat is refused",
        {"type": "chat", "text": "胃痛\ud800"},
        "invalid_characters",
    ),
    ("a NUL in a chat is refused", {"type": "chat", "text": "胃痛\x00减轻"}, "invalid_characters"),
    (
        "a low surrogate in a chat is refused",
        {"type": "chat", "text": "\udfff"},
        "invalid_characters",
    ),
    (
        "a NUL in an event's detail is refused",
        {"type": "event", "name": "media_error", "detail": {"error": "x\x00"}},
        "invalid_characters",
    ),
    (
        "a lone surrogate in an event detail's key is refused",
        {"type": "event", "name": "media_error", "detail": {"e\ud800": "x"}},
        "invalid_characters",
    ),
    (
        "a lone surrogate in an offer is refused",
        {"type": "offer", "sdp": "v=0\ud800"},
        "invalid_characters",
    ),
    (
        "a NUL in an ICE candidate is refused",
        {"type": "ice", "candidate": {"candidate": "c\x00"}},
        "invalid_characters",
    ),
    (
        "a lone surrogate in an unknown field is refused",
        {"type": "ping", "t": 1, "extra": ["\ud800"]},
        "invalid_characters",
    ),
]


@pytest.mark.parametrize(("frame", "code"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_unstorable_text_in_a_socket_message_is_refused_and_the_socket_goes_on(pair, frame, code):
    doctor_ws, patient_ws = pair
    raw = json.dumps(frame)  # ASCII escapes: a valid UTF-8 text frame, as a browser can send
    patient_ws.send(raw)
    error = receive(patient_ws, "error")
    assert error["code"] == code and error["message"]
    patient_ws.send(json.dumps({"type": "chat", "text": "还在"}))
    assert receive(doctor_ws, "chat")["text"] == "还在"
    assert db.session.scalars(sa.select(ChatMessage.text)).all() == ["还在"]
    stored = db.session.scalars(sa.select(ConsultEvent.name)).all()
    assert "media_error" not in stored


DEEP = [
    ("lists 5000 deep are refused", "[" * 5000 + "]" * 5000),
    (
        "an event detail 1000 deep is refused",
        '{"type": "event", "name": "connected", "detail": ' + nested(1000) + "}",
    ),
    (
        "a chat with a key 40 deep is refused",
        '{"type": "chat", "text": "x", "x": ' + nested(40) + "}",
    ),
]


@pytest.mark.parametrize("raw", [r[1] for r in DEEP], ids=[r[0] for r in DEEP])
def test_deeply_nested_socket_messages_are_refused_and_the_socket_goes_on(pair, raw):
    doctor_ws, patient_ws = pair
    patient_ws.send(raw)
    assert receive(patient_ws, "error")["code"] == "too_deeply_nested"
    patient_ws.send(json.dumps({"type": "offer", "sdp": "still here"}))
    assert receive(doctor_ws, "offer")["sdp"] == "still here"
