"""Room tokens, TURN credentials and signaling frame rules, table-driven. Pure."""

import base64
import hashlib
import hmac
import json

import pytest

from consults import signal_rules, tokens

pytestmark = pytest.mark.pure
SECRET = b"s" * 32
NOW = 1_800_000_000


def test_a_token_admits_its_user_to_its_room_until_it_expires():
    token = tokens.issue_room_token(SECRET, 12, 7, NOW)
    grant = tokens.verify_room_token(SECRET, token, 12, NOW + tokens.ROOM_TOKEN_SECONDS)
    assert (grant.encounter_id, grant.user_id) == (12, 7)


def _tamper(token: str) -> str:
    body, mac = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["u"] = 99  # someone else's identity, same signature
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{forged}.{mac}"


REFUSALS = [
    ("expired", lambda t: t, 12, NOW + tokens.ROOM_TOKEN_SECONDS + 1, "expired"),
    ("another room", lambda t: t, 13, NOW, "wrong_room"),
    ("user swapped in the payload", _tamper, 12, NOW, "forged"),
    ("signature cut off", lambda t: t.split(".")[0], 12, NOW, "malformed"),
    ("empty", lambda t: "", 12, NOW, "malformed"),
    (
        "signed with another secret",
        lambda t: tokens.issue_room_token(b"x" * 32, 12, 7, NOW),
        12,
        NOW,
        "forged",
    ),
]


@pytest.mark.parametrize(
    "change,room,now,code", [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS]
)
def test_bad_tokens_are_refused_with_a_reason(change, room, now, code):
    token = change(tokens.issue_room_token(SECRET, 12, 7, NOW))
    with pytest.raises(tokens.TokenRefusedError) as exc:
        tokens.verify_room_token(SECRET, token, room, now)
    assert exc.value.code == code


def test_turn_credentials_follow_the_coturn_rest_scheme():
    username, password = tokens.turn_credentials("turn-secret", 7, NOW, 3600)
    assert username == f"{NOW + 3600}:7"
    expected = hmac.new(b"turn-secret", username.encode(), hashlib.sha1).digest()
    assert base64.b64decode(password) == expected


GOOD_FRAMES = [
    {"type": "offer", "sdp": "v=0"},
    {"type": "answer", "sdp": "v=0"},
    {"type": "ice", "candidate": {"candidate": "candidate:1 1 udp 1 127.0.0.1 5000 typ host"}},
    {"type": "ice", "candidate": None},
    {"type": "chat", "text": "舌苔白腻"},
    {"type": "event", "name": "connected", "detail": {"candidate_type": "host"}},
    {"type": "hangup"},
    {"type": "ping"},
]


@pytest.mark.parametrize("frame", GOOD_FRAMES, ids=[f["type"] for f in GOOD_FRAMES])
def test_well_formed_frames_pass(frame):
    assert signal_rules.parse_frame(json.dumps(frame))["type"] == frame["type"]


BAD_FRAMES = [
    ("binary", b"\x00\x01", "invalid"),
    ("larger than 16 KiB", json.dumps({"type": "chat", "text": "a" * 17000}), "too_large"),
    ("not JSON", "{", "invalid"),
    ("a list", "[]", "invalid"),
    ("unknown type", json.dumps({"type": "exec"}), "invalid"),
    ("offer without SDP", json.dumps({"type": "offer", "sdp": ""}), "invalid"),
    ("ICE candidate as text", json.dumps({"type": "ice", "candidate": "x"}), "invalid"),
    ("chat over 1000 characters", json.dumps({"type": "chat", "text": "字" * 1001}), "invalid"),
    ("unknown event", json.dumps({"type": "event", "name": "x"}), "invalid"),
]


@pytest.mark.parametrize("raw,code", [c[1:] for c in BAD_FRAMES], ids=[c[0] for c in BAD_FRAMES])
def test_bad_frames_are_refused(raw, code):
    with pytest.raises(signal_rules.MessageRefusedError) as exc:
        signal_rules.parse_frame(raw)
    assert exc.value.code == code


def test_the_chat_bucket_allows_a_burst_then_one_every_two_seconds():
    bucket = signal_rules.new_limits()["chat"]
    assert [bucket.allow(0.0) for _ in range(6)] == [True] * 5 + [False]
    assert bucket.allow(1.0) is False
    assert bucket.allow(2.1) is True
