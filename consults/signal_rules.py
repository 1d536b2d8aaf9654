"""What a signaling message may look like, and the per-connection rate limits (chat floods).
Pure: standard library only."""

import json
import math
from dataclasses import dataclass, field

from tcm_app.common.errors import RuleError
from tcm_app.common.text import MAX_JSON_DEPTH, is_storable, json_too_deep, strings_in

MAX_FRAME_BYTES = 16 * 1024
MAX_SDP_CHARS = 12_000
MAX_CHAT_CHARS = 1000
MAX_DETAIL_CHARS = 1000
MAX_SEQ = 2**31
# What a page reports for the process record (全程留痕): the call connecting, every drop of media
# or signaling with its cause and length, and every repair (ICE restart, rebuilt connection).
EVENT_NAMES = frozenset(
    {
        "connected",
        "quality_drop",
        "reconnecting",
        "reconnected",
        "media_error",
        "media_stalled",
        "media_resumed",
        "signaling_lost",
        "signaling_resumed",
        "ice_restart",
        "peer_rebuilt",
        "rejoined",
        "call_failed",
    }
)
# Relayed to the other side as they are: SDP and ICE, a request for an ICE restart (only the
# doctor's side offers), and whether the sender's camera is on (a dark picture is not an outage).
RELAYED = frozenset({"offer", "answer", "ice", "restart", "media"})
# "bye": the page is leaving on purpose (hang-up, closed tab), not losing its network.
TYPES = RELAYED | {"chat", "event", "hangup", "ping", "bye"}


class MessageRefusedError(RuleError):
    """A client frame the room refuses; the socket answers it with an error frame."""


def parse_frame(raw) -> dict:
    """A client frame as a dict of a known type with well-formed fields, or MessageRefusedError."""
    if isinstance(raw, bytes):
        raise MessageRefusedError("invalid", "binary frames are not accepted")
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise MessageRefusedError("too_large", "the message is too large")
    if json_too_deep(raw, MAX_JSON_DEPTH):  # json.loads recurses: 5,000 levels fit in a frame
        raise MessageRefusedError("too_deeply_nested", "the message is nested too deeply")
    try:
        message = json.loads(raw)
    except ValueError as exc:
        raise MessageRefusedError("invalid", "the message is not JSON") from exc
    if not isinstance(message, dict) or message.get("type") not in TYPES:
        raise MessageRefusedError("invalid", "unknown message type")
    # As over HTTP: a NUL cannot be stored, a lone surrogate ("\\ud800") cannot be sent on as
    # UTF-8. Every string of every message, relayed ones too, keys included.
    if not all(is_storable(text) for text in strings_in(message)):
        raise MessageRefusedError(
            "invalid_characters", "the message contains characters that cannot be stored"
        )
    _check_fields(message)
    _check_numbers(message)
    return message


def _check_fields(message: dict) -> None:
    kind = message["type"]
    if kind in ("offer", "answer"):
        sdp = message.get("sdp")
        if not isinstance(sdp, str) or not sdp or len(sdp) > MAX_SDP_CHARS:
            raise MessageRefusedError("invalid", "an offer or answer needs its SDP")
    elif kind == "ice":
        candidate = message.get("candidate")
        if candidate is not None and not isinstance(candidate, dict):
            raise MessageRefusedError("invalid", "an ICE candidate must be an object or null")
    elif kind == "chat":
        text = message.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_CHAT_CHARS:
            raise MessageRefusedError(
                "invalid", f"a chat message has 1 to {MAX_CHAT_CHARS} characters"
            )
    elif kind == "event" and not _good_event(message):
        raise MessageRefusedError("invalid", "unknown event")
    elif kind == "media" and not isinstance(message.get("video"), bool):
        raise MessageRefusedError("invalid", "a media state says whether video is on")


def _check_numbers(message: dict) -> None:
    """Times (`at`, `t`: the page's clock) and an event's number (`seq`), where given."""
    if not _good_time(message.get("at")) or not _good_time(message.get("t")):
        raise MessageRefusedError("invalid", "a time is milliseconds since 1970")
    seq = message.get("seq")
    if seq is not None and not (
        isinstance(seq, int) and not isinstance(seq, bool) and 0 < seq < MAX_SEQ
    ):
        raise MessageRefusedError("invalid", "an event number is a positive whole number")


def _good_event(message: dict) -> bool:
    detail = message.get("detail", {})
    return (
        message.get("name") in EVENT_NAMES
        and isinstance(detail, dict)
        and len(json.dumps(detail)) <= MAX_DETAIL_CHARS
    )


def _good_time(value) -> bool:
    """Absent, or a finite number (browser clock, ms); whether it is plausible is event_clock's
    call. Python's json reads NaN and Infinity; a pong echoing them back would not be JSON."""
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


@dataclass
class TokenBucket:
    """`capacity` messages at once, refilled at `per_second`; `allow(now)` spends one."""

    capacity: float
    per_second: float
    tokens: float = field(default=-1.0)
    updated: float = 0.0

    def allow(self, now: float) -> bool:
        if self.tokens < 0:
            self.tokens, self.updated = self.capacity, now
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def new_limits() -> dict[str, TokenBucket]:
    """Chat: 5 at once, then one every 2 s. Signaling (SDP, ICE, events): generous but bounded."""
    return {"chat": TokenBucket(5, 0.5), "signal": TokenBucket(200, 50)}


def limit_for(kind: str) -> str:
    return "chat" if kind == "chat" else "signal"
