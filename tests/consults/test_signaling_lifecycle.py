"""How a signaling socket lives and ends on a live server, with real sockets: the idle limit closes
a silent socket (4000 idle) and the other side hears it was lost; pings keep a socket alive
across several idle limits; refusals (4001), an ended call and hang-up (4002) and a replaced
socket (4003) close with their code and reason; a page id travels with presence; an event's
browser time is moved onto the server's clock and the reason a socket ended is on the record."""

import json
import threading
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
import simple_websocket
import sqlalchemy as sa

from consults.models import ConsultEvent
from consults.services import calls
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.encounters import Encounter
from tests.consults import test_signaling
from tests.consults.test_signaling import close, receive, token_for

pair = test_signaling.pair  # the doctor and the patient in the room, both welcomed
IDLE, PING = 3, 1
DOCTOR_PAGE, PATIENT_PAGE = "doctor-page-1", "patient-page-1"


@pytest.fixture
def config_overrides():
    return {"CONSULT_IDLE_SECONDS": IDLE, "CONSULT_PING_SECONDS": PING}


def connect(server, encounter_id, token, page=None):
    url = f"ws://{server}/consults/{encounter_id}/ws?token={quote(token)}"
    if page is not None:
        url += f"&page={quote(page, safe='')}"
    return simple_websocket.Client.connect(url)


def now_ms() -> int:
    return int(time.time() * 1000)


def send(ws, **frame) -> None:
    ws.send(json.dumps(frame))


def closed(ws, timeout=IDLE + 4):
    """Read until the server closes the socket: (close code, reason, frames seen before)."""
    frames, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            raw = ws.receive(timeout=deadline - time.monotonic())
        except simple_websocket.ConnectionClosed as exc:
            return exc.reason, exc.message, frames
        if raw is not None:
            frames.append(json.loads(raw))
    raise AssertionError(f"still open after {timeout} s; frames: {frames}")


def frames_for(ws, seconds):
    """Every frame that arrives within `seconds` (the socket stays open)."""
    frames, deadline = [], time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        raw = ws.receive(timeout=left)
        if raw is not None:
            frames.append(json.loads(raw))
    return frames


class Pinger:
    """Pings a socket every PING seconds from a thread, as the page does."""

    def __init__(self, ws):
        self.ws, self.stop = ws, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop.wait(PING):
            try:
                send(self.ws, type="ping", t=now_ms())
            except simple_websocket.ConnectionClosed:
                return

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def stored_events(name=None, wait_for=0, timeout=5.0) -> list[ConsultEvent]:
    """Events on the record (waiting until at least `wait_for` of them are there), releasing the
    database at once: on SQLite an open read would block the server's writes."""
    deadline = time.monotonic() + timeout
    while True:
        query = sa.select(ConsultEvent).order_by(ConsultEvent.id)
        if name:
            query = query.where(ConsultEvent.name == name)
        rows = db.session.scalars(query).all()
        db.session.rollback()
        if len(rows) >= wait_for or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


def at_arrival(event) -> bool:
    """Stored at its arrival: the arrival in ms is read just before the row is written."""
    return timedelta(0) <= event.received_at - event.occurred_at < timedelta(seconds=1)


def left_causes(count: int, page: str | None = None, timeout: float = 5.0) -> list[str]:
    """Why sockets left, as recorded (waiting for `count` of them); with `page`, that page's
    only: on a starved machine the other page's own socket may idle out meanwhile, which is
    not what the test is about."""
    deadline = time.monotonic() + timeout
    while True:
        events = stored_events("left")
        causes = [e.detail.get("cause") for e in events if page in (None, e.detail.get("page"))]
        if len(causes) >= count or time.monotonic() > deadline:
            return causes
        time.sleep(0.05)


@pytest.fixture
def room(app, live_host, consult):
    """Room tokens on demand for either side; the database released for the server's threads."""
    encounter_id = consult.id
    user_ids = {"doctor": consult.doctor_id, "patient": consult.patient.user_id}
    db.session.commit()
    db.session.remove()

    def token(who):
        encounter = db.session.get(Encounter, encounter_id)
        return token_for(app, encounter, db.session.get(User, user_ids[who]))

    return live_host, encounter_id, token


def join(room, who, page=None):
    host, encounter_id, token = room
    ws = connect(host, encounter_id, token(who), page)
    db.session.remove()
    return ws, receive(ws, "welcome")


# --- the idle limit and the heartbeat ---------------------------------------------------------


def test_a_silent_socket_is_closed_as_idle_and_the_other_side_hears_it_was_lost(pair):
    doctor_ws, patient_ws, _, _ = pair
    started = time.monotonic()
    with Pinger(patient_ws):
        code, reason, _ = closed(doctor_ws)
        took = time.monotonic() - started
        left = receive(patient_ws, "peer-left")
    assert (code, reason) == (4000, "idle")
    assert IDLE - 0.5 <= took <= IDLE + 3
    assert left["peer"]["role"] == "doctor" and left["reason"] == "lost"
    assert left_causes(1) == ["idle"]


def test_a_pinging_socket_outlives_several_idle_limits_and_gets_its_time_back(pair):
    doctor_ws, patient_ws, _, _ = pair
    sent, pongs = [], []
    deadline = time.monotonic() + 8  # more than twice the idle limit
    while time.monotonic() < deadline:
        for ws in (doctor_ws, patient_ws):
            sent.append(now_ms())
            send(ws, type="ping", t=sent[-1])
        for ws in (doctor_ws, patient_ws):
            pongs.append(receive(ws, "pong", timeout=PING))
        time.sleep(PING)
    assert len(pongs) >= 8
    assert sorted(p["t"] for p in pongs) == sorted(sent)  # each ping's own time comes back
    for pong in pongs:
        assert isinstance(pong["server"], int) and abs(pong["server"] - pong["t"]) < 2000
    for ws in (doctor_ws, patient_ws):  # both still open
        send(ws, type="ping")
        assert receive(ws, "pong")["t"] is None
    assert stored_events("left") == []


# --- refusals, ending and hanging up ----------------------------------------------------------


def test_a_refused_token_gets_an_error_frame_then_4001_refused(room):
    host, encounter_id, _ = room
    ws = connect(host, encounter_id, "not.a-token")
    code, reason, frames = closed(ws)
    assert [f["type"] for f in frames] == ["error"] and frames[0]["code"] == "forbidden"
    assert (code, reason) == (4001, "refused")


def test_a_token_for_a_call_the_doctor_ended_closes_with_4002(room):
    host, encounter_id, token_of = room
    token = token_of("patient")  # handed out while the call was on
    encounter = db.session.get(Encounter, encounter_id)
    calls.end_call(encounter, encounter.doctor)
    db.session.commit()
    db.session.remove()
    ws = connect(host, encounter_id, token)
    code, reason, frames = closed(ws)
    assert frames[0]["type"] == "error" and frames[0]["code"] == "ended"
    assert (code, reason) == (4002, "ended")


def test_hangup_closes_the_hanging_up_socket_with_4002_and_tells_the_other_side(pair):
    doctor_ws, patient_ws, _, _ = pair
    send(patient_ws, type="hangup")
    code, reason, _ = closed(patient_ws)
    assert (code, reason) == (4002, "ended")
    assert receive(doctor_ws, "hangup")["by"]["role"] == "patient"
    assert receive(doctor_ws, "peer-left")["reason"] == "left"  # hung up: not lost
    assert left_causes(1) == ["hangup"]


# --- leaving, and the same person opening the call again --------------------------------------


def test_bye_then_close_tells_the_other_side_the_peer_left(room):
    doctor_ws, _ = join(room, "doctor", DOCTOR_PAGE)
    with Pinger(doctor_ws):  # the staying page pings, as pages do: a slow run never idles it out
        patient_ws, _ = join(room, "patient", PATIENT_PAGE)
        receive(doctor_ws, "peer-joined")
        send(patient_ws, type="bye")
        close(patient_ws)
        left = receive(doctor_ws, "peer-left")
        assert left["reason"] == "left" and left["peer"]["page"] == PATIENT_PAGE
        assert left_causes(1, PATIENT_PAGE) == ["bye"]
    close(doctor_ws)


def test_closing_without_bye_tells_the_other_side_the_peer_was_lost(room):
    doctor_ws, _ = join(room, "doctor", DOCTOR_PAGE)
    with Pinger(doctor_ws):
        patient_ws, _ = join(room, "patient", PATIENT_PAGE)
        receive(doctor_ws, "peer-joined")
        close(patient_ws)
        assert receive(doctor_ws, "peer-left")["reason"] == "lost"
        assert left_causes(1, PATIENT_PAGE) == ["closed"]
    close(doctor_ws)


def test_the_same_page_reconnecting_replaces_its_old_socket_without_a_peer_left(room):
    doctor_ws, _ = join(room, "doctor", DOCTOR_PAGE)
    old_ws, _ = join(room, "patient", PATIENT_PAGE)
    assert receive(doctor_ws, "peer-joined")["peer"]["page"] == PATIENT_PAGE
    new_ws, welcome = join(room, "patient", PATIENT_PAGE)
    code, reason, frames = closed(old_ws)
    assert (code, reason) == (4003, "replaced")
    assert {"type": "error", "code": "replaced", "message": "opened elsewhere"} in frames
    assert [p["page"] for p in welcome["peers"]] == [DOCTOR_PAGE]  # no ghost of the old socket
    seen = frames_for(doctor_ws, 1.5)
    assert [f["type"] for f in seen] == ["peer-joined"]
    assert seen[0]["peer"]["page"] == PATIENT_PAGE
    assert left_causes(1, PATIENT_PAGE) == ["replaced"]
    send(new_ws, type="offer", sdp="v=0 after the reconnect")
    assert receive(doctor_ws, "offer")["sdp"] == "v=0 after the reconnect"
    for ws in (doctor_ws, new_ws):
        close(ws)


VALID_PAGES = ["abcdefgh", "A1_b2-C3" * 8, "0f3c2a9e-1b2c-4d5e-8f90-123456789abc"]
INVALID_PAGES = [
    ("3 chars", "abc"),
    ("with a slash", "abcdefgh/ij"),
    ("65 chars", "a" * 65),
    ("with a space", "abcd efgh"),
    ("not ASCII", "页面页面页面页面"),
    ("empty", ""),
]


@pytest.mark.parametrize("page", VALID_PAGES, ids=[f"page {p[:12]} is kept" for p in VALID_PAGES])
def test_welcome_and_peer_joined_carry_the_page_of_the_url(room, page):
    doctor_ws, _ = join(room, "doctor", page)
    patient_ws, welcome = join(room, "patient", PATIENT_PAGE)
    assert welcome["you"]["page"] == PATIENT_PAGE
    assert [p["page"] for p in welcome["peers"]] == [page]
    assert receive(doctor_ws, "peer-joined")["peer"]["page"] == PATIENT_PAGE
    joined = stored_events("joined", wait_for=2)
    assert [e.detail for e in joined] == [{"page": page}, {"page": PATIENT_PAGE}]
    for ws in (doctor_ws, patient_ws):
        close(ws)


@pytest.mark.parametrize(
    "page", [c[1] for c in INVALID_PAGES], ids=[f"{c[0]} is left out" for c in INVALID_PAGES]
)
def test_an_invalid_page_id_is_left_out(room, page):
    doctor_ws, _ = join(room, "doctor", DOCTOR_PAGE)
    patient_ws, welcome = join(room, "patient", page)
    assert "page" not in welcome["you"]
    assert "page" not in receive(doctor_ws, "peer-joined")["peer"]
    assert stored_events("joined", wait_for=2)[1].detail == {}
    for ws in (doctor_ws, patient_ws):
        close(ws)


# --- when an event happened ---------------------------------------------------------------------

SKEWS = [
    ("browser clock right", 0),
    ("browser clock 10 minutes behind", -600_000),
    ("browser clock 5 minutes ahead", 300_000),
]


@pytest.mark.parametrize("skew", [c[1] for c in SKEWS], ids=[c[0] for c in SKEWS])
def test_an_event_with_the_browser_time_is_stored_when_it_happened(pair, skew):
    doctor_ws, _, _, _ = pair
    send(doctor_ws, type="ping", t=now_ms() + skew)
    receive(doctor_ws, "pong")
    at = now_ms() + skew - 30_000  # the page's clock, 30 s ago
    send(doctor_ws, type="event", name="media_stalled", at=at, detail={})
    send(doctor_ws, type="ping")  # frames are handled in order: stored once this is answered
    receive(doctor_ws, "pong")
    (event,) = stored_events("media_stalled")
    behind = (event.received_at - event.occurred_at).total_seconds()
    assert 29 <= behind <= 31.5
    assert event.browser_at is not None
    assert abs(event.browser_at.timestamp() * 1000 - at) < 1


def test_an_event_from_the_far_future_is_stored_at_its_arrival(pair):
    doctor_ws, _, _, _ = pair
    send(doctor_ws, type="ping", t=now_ms())
    receive(doctor_ws, "pong")
    send(doctor_ws, type="event", name="reconnected", at=now_ms() + 86_400_000)
    send(doctor_ws, type="ping")
    receive(doctor_ws, "pong")
    (event,) = stored_events("reconnected")
    assert at_arrival(event) and event.browser_at is None


def test_an_event_without_a_time_is_stored_at_its_arrival(pair):
    doctor_ws, _, _, _ = pair
    send(doctor_ws, type="event", name="connected", detail={"candidate_type": "host"})
    send(doctor_ws, type="ping")
    receive(doctor_ws, "pong")
    (event,) = stored_events("connected")
    assert at_arrival(event) and event.browser_at is None


# --- the record stays append-only after migration 0010 ------------------------------------------

CHANGES = [
    ("update of the name", "UPDATE consult_events SET name = 'forged'"),
    ("update of the new received_at", "UPDATE consult_events SET received_at = NULL"),
    ("update of the new browser_at", "UPDATE consult_events SET browser_at = received_at"),
    ("delete", "DELETE FROM consult_events"),
]


@pytest.mark.parametrize(
    "statement", [c[1] for c in CHANGES], ids=[f"{c[0]} refused" for c in CHANGES]
)
def test_consult_events_stay_append_only(app, consult, statement):
    calls.record_event(consult.id, consult.doctor_id, "media_resumed", {"stalled_ms": 5000})
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text(statement))
        db.session.flush()
    db.session.rollback()
    (event,) = stored_events("media_resumed")
    assert event.received_at is not None and event.detail == {"stalled_ms": 5000}


def test_an_event_stored_with_a_past_time_keeps_both_times(app, consult):
    happened = calls.utcnow() - timedelta(seconds=30)
    calls.record_event(consult.id, None, "media_stalled", occurred=happened, browser_at=happened)
    db.session.commit()
    (event,) = stored_events("media_stalled")
    assert event.occurred_at == event.browser_at == happened < event.received_at


# --- numbered events: acknowledged, and stored once when sent again after a reconnect ------------


def report(ws, seq, name="media_stalled"):
    send(ws, type="event", name=name, seq=seq, at=now_ms(), detail={})
    return receive(ws, "ack")


def test_a_numbered_event_sent_again_on_the_next_socket_is_acknowledged_and_stored_once(room):
    old_ws, _ = join(room, "patient", PATIENT_PAGE)
    assert report(old_ws, 1) == {"type": "ack", "seq": 1}
    new_ws, _ = join(room, "patient", PATIENT_PAGE)  # the ack was lost with the old socket
    assert report(new_ws, 1) == {"type": "ack", "seq": 1}
    assert report(new_ws, 2, "media_resumed")["seq"] == 2
    numbered = [(e.name, e.page_id, e.page_seq) for e in stored_events() if e.page_seq]
    assert numbered == [("media_stalled", PATIENT_PAGE, 1), ("media_resumed", PATIENT_PAGE, 2)]
    close(old_ws)
    close(new_ws)


def test_the_same_number_from_another_page_is_another_event(room):
    first_ws, _ = join(room, "patient", PATIENT_PAGE)
    report(first_ws, 1)
    second_ws, _ = join(room, "patient", "patient-page-2")  # 重新加入: a new page id
    report(second_ws, 1)
    numbered = [(e.page_id, e.page_seq) for e in stored_events() if e.page_seq]
    assert numbered == [(PATIENT_PAGE, 1), ("patient-page-2", 1)]
    close(first_ws)
    close(second_ws)
