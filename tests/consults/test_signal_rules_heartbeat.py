"""The frames of the heartbeat and of staying connected (ping, bye, restart, media) and the events
a page reports with its own clock: which pass, which are refused. Pure, table-driven."""

import json

import pytest

from consults import signal_rules

pytestmark = pytest.mark.pure
NOW_MS = 1_800_000_000_000

ACCEPTED = [
    ("bye", {"type": "bye"}),
    ("restart without rebuild", {"type": "restart"}),
    ("restart asking for a rebuild", {"type": "restart", "rebuild": True}),
    ("restart naming a generation", {"type": "restart", "rebuild": True, "gen": "k3x9.2"}),
    ("media with video on", {"type": "media", "video": True}),
    ("media with video off", {"type": "media", "video": False}),
    ("ping without a time", {"type": "ping"}),
    ("ping with the browser's ms", {"type": "ping", "t": NOW_MS}),
    ("ping with a fractional ms (performance clock)", {"type": "ping", "t": NOW_MS + 0.25}),
    ("event with the browser's ms", {"type": "event", "name": "connected", "at": NOW_MS}),
    (
        "event with detail and time",
        {"type": "event", "name": "media_resumed", "detail": {"stalled_ms": 5000}, "at": NOW_MS},
    ),
    (
        "event detail of exactly 1000 chars",
        {"type": "event", "name": "quality_drop", "detail": {"n": "x" * (1000 - 9)}},
    ),
]


@pytest.mark.parametrize("frame", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_heartbeat_and_repair_frames_are_accepted(frame):
    assert signal_rules.parse_frame(json.dumps(frame)) == frame


NEW_EVENTS = [
    "reconnecting",
    "reconnected",
    "media_stalled",
    "media_resumed",
    "signaling_lost",
    "signaling_resumed",
    "ice_restart",
    "peer_rebuilt",
    "rejoined",
    "call_failed",
    "quality_drop",
    "media_error",
    "connected",
]


@pytest.mark.parametrize("name", NEW_EVENTS, ids=[f"event {n} is accepted" for n in NEW_EVENTS])
def test_the_page_s_events_are_accepted(name):
    frame = {"type": "event", "name": name, "detail": {"cause": "idle"}, "at": NOW_MS}
    assert signal_rules.parse_frame(json.dumps(frame))["name"] == name


REFUSED = [
    ("media without video", {"type": "media"}),
    ("media with video as a string", {"type": "media", "video": "on"}),
    ("media with video as a number", {"type": "media", "video": 1}),
    ("ping with t as a string", {"type": "ping", "t": str(NOW_MS)}),
    ("ping with t as a bool", {"type": "ping", "t": True}),
    ("ping with t as a list", {"type": "ping", "t": [NOW_MS]}),
    ("event with at as a string", {"type": "event", "name": "connected", "at": "now"}),
    ("event with at as a bool", {"type": "event", "name": "connected", "at": False}),
    ("event with at as an object", {"type": "event", "name": "connected", "at": {"ms": 1}}),
    ("relayed frame with a string at", {"type": "restart", "at": "yesterday"}),
    (
        "event detail over 1000 chars",
        {"type": "event", "name": "quality_drop", "detail": {"n": "x" * (1000 - 8)}},
    ),
    ("event detail not an object", {"type": "event", "name": "connected", "detail": "host"}),
    ("event of an unknown name", {"type": "event", "name": "joined"}),
    ("event without a name", {"type": "event"}),
]


@pytest.mark.parametrize("frame", [c[1] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_malformed_frames_are_refused(frame):
    with pytest.raises(signal_rules.MessageRefusedError) as exc:
        signal_rules.parse_frame(json.dumps(frame))
    assert exc.value.code == "invalid"


NOT_FINITE = [
    ("ping with t NaN", '{"type": "ping", "t": NaN}'),
    ("ping with t Infinity", '{"type": "ping", "t": Infinity}'),
    ("event with at -Infinity", '{"type": "event", "name": "connected", "at": -Infinity}'),
]


@pytest.mark.parametrize("raw", [c[1] for c in NOT_FINITE], ids=[c[0] for c in NOT_FINITE])
def test_a_time_that_is_not_finite_is_refused(raw):
    """Python's json reads NaN and Infinity; echoed back in a pong they would not be JSON."""
    with pytest.raises(signal_rules.MessageRefusedError) as exc:
        signal_rules.parse_frame(raw)
    assert exc.value.code == "invalid"


def test_pings_and_events_share_the_generous_signal_limit_not_the_chat_one():
    assert signal_rules.limit_for("ping") == signal_rules.limit_for("event") == "signal"
    assert signal_rules.limit_for("chat") == "chat"


SEQS = [
    ("seq 1 is accepted", 1, True),
    ("the largest seq is accepted", 2**31 - 1, True),
    ("seq 0 is refused", 0, False),
    ("a negative seq is refused", -1, False),
    ("seq 2**31 is refused", 2**31, False),
    ("a fractional seq is refused", 1.5, False),
    ("a string seq is refused", "3", False),
    ("a bool seq is refused", True, False),
]


@pytest.mark.parametrize("seq,ok", [c[1:] for c in SEQS], ids=[c[0] for c in SEQS])
def test_an_event_number_is_a_positive_whole_number(seq, ok):
    raw = json.dumps({"type": "event", "name": "media_stalled", "seq": seq, "at": NOW_MS})
    if ok:
        assert signal_rules.parse_frame(raw)["seq"] == seq
    else:
        with pytest.raises(signal_rules.MessageRefusedError):
            signal_rules.parse_frame(raw)
