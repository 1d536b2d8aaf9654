"""The signaling socket on a live server: only the consult's participants get in (room tokens bound
to the user), SDP/ICE are relayed, chat is stored and delivered both ways, bad frames and floods are
refused without disturbing the call, and hanging up ends it for everybody."""

import contextlib
import json
import time

import pytest
import simple_websocket
import sqlalchemy as sa

from consults import tokens
from consults.models import ChatMessage, ConsultEvent
from consults.services import calls
from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tests.factories import create_doctor, create_patient
from tests.polling import server_threads_now, wait_until


def token_for(app, encounter, user):
    with app.test_request_context("/"):
        token = calls.room_token(encounter, user)
    db.session.commit()
    return token


def connect(server, encounter_id, token):
    url = f"ws://{server}/consults/{encounter_id}/ws?token={token}"
    return simple_websocket.Client.connect(url)


def close(ws):
    # The server closed it first; or its close frame arrived while we were closing, and the
    # client's reader thread closed the socket under our close frame (EBADF, not BrokenPipe).
    with contextlib.suppress(simple_websocket.ConnectionClosed, OSError):
        ws.close()


def receive(ws, kind, timeout=5, where=lambda frame: True):
    """The next frame of `kind` that matches `where`, skipping others (presence, pongs, echoes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        raw = ws.receive(timeout=deadline - time.monotonic())
        if raw is None:
            break
        frame = json.loads(raw)
        if frame["type"] == kind and where(frame):
            return frame
    raise AssertionError(f"no {kind} frame within {timeout} s\n{server_threads_now()}")


@pytest.fixture
def pair(app, live_host, consult):
    doctor, patient = consult.doctor, consult.patient.user
    d_token, p_token = token_for(app, consult, doctor), token_for(app, consult, patient)
    encounter_id = consult.id
    db.session.commit()
    db.session.remove()  # release SQLite before the server's threads write
    doctor_ws = connect(live_host, encounter_id, d_token)
    welcome = receive(doctor_ws, "welcome")
    patient_ws = connect(live_host, encounter_id, p_token)
    patient_welcome = receive(patient_ws, "welcome")  # both are in the room from here on
    joined = receive(doctor_ws, "peer-joined")
    yield doctor_ws, patient_ws, (welcome, patient_welcome, joined), encounter_id
    for ws in (doctor_ws, patient_ws):
        close(ws)


def test_both_join_and_signaling_is_relayed(pair):
    doctor_ws, patient_ws, (welcome, patient_welcome, joined), _ = pair
    assert welcome["you"]["role"] == "doctor" and welcome["peers"] == []
    assert patient_welcome["peers"][0]["role"] == "doctor"
    assert joined["peer"]["role"] == "patient"
    doctor_ws.send(json.dumps({"type": "offer", "sdp": "v=0 offer"}))
    offer = receive(patient_ws, "offer")
    assert offer["sdp"] == "v=0 offer" and offer["from"]["role"] == "doctor"
    patient_ws.send(json.dumps({"type": "ice", "candidate": {"candidate": "c", "sdpMid": "0"}}))
    assert receive(doctor_ws, "ice")["candidate"]["candidate"] == "c"


def test_chat_goes_both_ways_and_is_stored(app, pair):
    doctor_ws, patient_ws, _, _ = pair
    patient_ws.send(json.dumps({"type": "chat", "text": "医生好，胃痛减轻了"}))
    assert receive(doctor_ws, "chat")["text"] == "医生好，胃痛减轻了"
    doctor_ws.send(json.dumps({"type": "chat", "text": "请伸舌让我看看"}))
    from_doctor = receive(patient_ws, "chat", where=lambda f: f["sender"]["role"] == "doctor")
    assert from_doctor["text"] == "请伸舌让我看看"
    texts = db.session.scalars(sa.select(ChatMessage.text).order_by(ChatMessage.id)).all()
    assert texts == ["医生好，胃痛减轻了", "请伸舌让我看看"]


BAD_FRAMES = [
    ("not JSON", "{nope", "invalid"),
    ("unknown type", json.dumps({"type": "shell"}), "invalid"),
    ("oversized", json.dumps({"type": "chat", "text": "x" * 20000}), "too_large"),
    ("empty chat", json.dumps({"type": "chat", "text": "  "}), "invalid"),
    ("offer without SDP", json.dumps({"type": "offer"}), "invalid"),
    ("unknown event", json.dumps({"type": "event", "name": "rm -rf"}), "invalid"),
]


@pytest.mark.parametrize("frame,code", [c[1:] for c in BAD_FRAMES], ids=[c[0] for c in BAD_FRAMES])
def test_bad_frames_are_answered_and_the_call_goes_on(pair, frame, code):
    doctor_ws, patient_ws, _, _ = pair
    doctor_ws.send(frame)
    assert receive(doctor_ws, "error")["code"] == code
    doctor_ws.send(json.dumps({"type": "offer", "sdp": "still here"}))
    assert receive(patient_ws, "offer")["sdp"] == "still here"


def test_a_chat_flood_is_rate_limited_and_signaling_still_flows(pair):
    doctor_ws, patient_ws, _, _ = pair
    for n in range(12):
        patient_ws.send(json.dumps({"type": "chat", "text": f"刷屏 {n}"}))
    assert receive(patient_ws, "error")["code"] == "rate_limited"
    patient_ws.send(json.dumps({"type": "answer", "sdp": "v=0 answer"}))
    assert receive(doctor_ws, "answer")["sdp"] == "v=0 answer"
    assert db.session.scalar(sa.select(sa.func.count(ChatMessage.id))) <= 6


def test_hangup_ends_the_call_for_everybody_and_is_recorded(app, pair):
    doctor_ws, patient_ws, _, _ = pair
    doctor_ws.send(
        json.dumps({"type": "event", "name": "connected", "detail": {"candidate_type": "host"}})
    )
    doctor_ws.send(json.dumps({"type": "hangup"}))
    assert receive(patient_ws, "hangup")["by"]["role"] == "doctor"

    def ended_on_record():  # the server records "ended" after telling the patient
        names = db.session.scalars(sa.select(ConsultEvent.name).order_by(ConsultEvent.id)).all()
        db.session.rollback()  # release SQLite for the server's writes
        return names if "ended" in names else None

    names = wait_until(ended_on_record)
    assert names[:2] == ["joined", "joined"] and "connected" in names and "ended" in names
    ended = db.session.scalar(sa.select(ConsultEvent).where(ConsultEvent.name == "ended"))
    assert ended.detail["by_role"] == "doctor"


@pytest.mark.parametrize("forge", ["forged", "expired", "other_room"])
def test_forged_or_expired_tokens_are_refused_and_audited(app, live_host, consult, forge):
    patient = consult.patient.user
    secret = ("room-token:" + app.config["SECRET_KEY"]).encode()
    now = int(time.time())
    token = {
        "forged": tokens.issue_room_token(b"not-the-secret", consult.id, patient.id, now),
        "expired": tokens.issue_room_token(secret, consult.id, patient.id, now - 3600),
        "other_room": tokens.issue_room_token(secret, consult.id + 1, patient.id, now),
    }[forge]
    encounter_id = consult.id
    db.session.commit()
    db.session.remove()
    ws = connect(live_host, encounter_id, token)
    assert receive(ws, "error")["code"] == "forbidden"
    close(ws)
    refused = db.session.scalar(
        sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "consult.join_refused")
    )
    assert refused == 1


def test_a_third_user_gets_no_token(app, consult):
    outsider = create_patient(name="路人")
    with pytest.raises(TCMError) as exc:
        calls.room_token(consult, outsider.user)
    assert exc.value.code == "not_participant"
    with pytest.raises(TCMError):
        calls.room_token(consult, create_doctor())


def test_after_the_doctor_ends_the_patient_cannot_rejoin_until_restarted(app, consult):
    calls.end_call(consult, consult.doctor)
    with pytest.raises(TCMError) as exc:
        calls.room_token(consult, consult.patient.user)
    assert exc.value.code == "call_ended"
    calls.start_call(consult, consult.doctor)
    assert calls.room_token(consult, consult.patient.user)


def test_the_api_hands_out_a_room_for_participants_only(app, client, consult):
    from tests.factories import bearer

    headers = bearer(consult.patient.user)
    body = client.post(f"/api/v1/encounters/{consult.id}/consult-room", headers=headers).get_json()
    assert (
        body["ws_url"].startswith("ws://") and f"/consults/{consult.id}/ws?token=" in body["ws_url"]
    )
    assert body["polite"] is True and body["ice_servers"] == []
    outsider = bearer(create_patient(name="路人").user)
    response = client.post(f"/api/v1/encounters/{consult.id}/consult-room", headers=outsider)
    assert response.status_code == 404


def test_turn_servers_come_with_per_call_credentials(app, client, consult, config_overrides):
    app.config.update(
        CONSULT_STUN_URLS=["stun:stun.example.org:3478"],
        CONSULT_TURN_URLS=["turn:turn.example.org:3478?transport=udp"],
        CONSULT_TURN_SECRET="coturn-static-auth-secret",
    )
    from tests.factories import bearer

    headers = bearer(consult.doctor)
    servers = client.post(
        f"/api/v1/encounters/{consult.id}/consult-room", headers=headers
    ).get_json()["ice_servers"]
    assert servers[0] == {"urls": "stun:stun.example.org:3478"}
    assert servers[1]["username"].endswith(f":{consult.doctor_id}") and servers[1]["credential"]
