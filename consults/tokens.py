"""Short-lived room tokens bound to one user and one consult, and coturn REST-API TURN credentials.
Pure: standard library only (HMAC-SHA256 / HMAC-SHA1 with a secret the caller passes in)."""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from tcm_app.common.errors import RuleError

# Long enough to open the socket, short enough that a leak is harmless; the page renews its token
# through its signed-in session before each reconnect (TCM_CONSULT_ROOM_TOKEN_SECONDS).
ROOM_TOKEN_SECONDS = 120


class TokenRefusedError(RuleError):
    """A token that is forged, expired, malformed or for another room; `code` says which."""


@dataclass(frozen=True)
class RoomGrant:
    encounter_id: int
    user_id: int
    expires_at: int  # unix seconds


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, body: str) -> str:
    return _b64(hmac.new(secret, b"room:" + body.encode("ascii"), hashlib.sha256).digest())


def issue_room_token(
    secret: bytes, encounter_id: int, user_id: int, now: int, lifetime: int = ROOM_TOKEN_SECONDS
) -> str:
    """`<payload>.<mac>`: the payload names the room, the user and the expiry."""
    payload = {"e": encounter_id, "u": user_id, "x": now + lifetime}
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    return f"{body}.{_mac(secret, body)}"


def verify_room_token(secret: bytes, token: str, encounter_id: int, now: int) -> RoomGrant:
    """The grant inside a valid token for this room; TokenRefusedError otherwise."""
    body, dot, mac = (token or "").partition(".")
    if not dot or len(token) > 512:
        raise TokenRefusedError("malformed")
    if not hmac.compare_digest(mac, _mac(secret, body)):
        raise TokenRefusedError("forged")
    try:
        payload = json.loads(_unb64(body))
        grant = RoomGrant(int(payload["e"]), int(payload["u"]), int(payload["x"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise TokenRefusedError("malformed") from exc
    if grant.expires_at < now:
        raise TokenRefusedError("expired")
    if grant.encounter_id != encounter_id:
        raise TokenRefusedError("wrong_room")
    return grant


def turn_credentials(secret: str, user_id: int, now: int, ttl_seconds: int) -> tuple[str, str]:
    """coturn `use-auth-secret` (TURN REST API): username `expiry:user`, password
    base64(HMAC-SHA1(secret, username)); coturn checks both and the expiry itself."""
    username = f"{now + ttl_seconds}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode("ascii")
