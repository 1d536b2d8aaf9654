"""What a signaling message may look like, and the per-connection rate limits (chat floods).
Pure: standard library only."""

import json
from dataclasses import dataclass, field

MAX_FRAME_BYTES = 16 * 1024
MAX_SDP_CHARS = 12_000
MAX_CHAT_CHARS = 1000
EVENT_NAMES = frozenset({"connected", "quality_drop", "reconnecting", "reconnected", "media_error"})
RELAYED = frozenset({"offer", "answer", "ice"})
TYPES = RELAYED | {"chat", "event", "hangup", "ping"}


class MessageRefusedError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def parse_frame(raw) -> dict:
    """A client frame as a dict of a known type with well-formed fields, or MessageRefusedError."""
    if isinstance(raw, bytes):
        raise MessageRefusedError("invalid", "binary frames are not accepted")
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise MessageRefusedError("too_large", "the message is too large")
    try:
        message = json.loads(raw)
    except ValueError as exc:
        raise MessageRefusedError("invalid", "the message is not JSON") from exc
    if not isinstance(message, dict) or message.get("type") not in TYPES:
        raise MessageRefusedError("invalid", "unknown message type")
    _check_fields(message)
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


def _good_event(message: dict) -> bool:
    return message.get("name") in EVENT_NAMES and isinstance(message.get("detail", {}), dict)


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
