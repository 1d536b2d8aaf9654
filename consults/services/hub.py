"""The signaling hub: who is connected to which consult room, and delivery of messages to them.

Embedded default: one process, rooms in memory. Production (several server processes): every
message goes through Redis pub/sub and each process delivers it to its own sockets; presence is a
Redis hash per room, so a peer on another process is still seen.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from flask import current_app

if TYPE_CHECKING:  # redis is imported where it is used: the embedded mode runs without it
    from redis.client import PubSubWorkerThread

from consults.event_clock import ClockOffset

log = logging.getLogger(__name__)
CHANNEL_PREFIX = "tcm:consult:"
PRESENCE_PREFIX = "tcm:consult-presence:"
# WebSocket close codes (4000-4999 are the application's own), each with a short reason: the page
# tells the person in Chinese what happened and whether it reconnects.
CLOSE_IDLE = 4000  # nothing heard for the idle limit: the page reconnects
CLOSE_REFUSED = 4001  # bad or expired room token, or not a participant: the page renews once
CLOSE_ENDED = 4002  # the call ended or the consult closed: the page stops
CLOSE_REPLACED = 4003  # the same person opened the call elsewhere: this page stops
CLOSE_NORMAL = 1000
CLOSE_WAIT_SECONDS = 2.0


class Socket(Protocol):
    """What the hub uses of a WebSocket (flask-sock's simple_websocket.Server, or a test's fake)."""

    def send(self, data: str) -> None: ...

    def receive(self, timeout: float | None = None) -> Any: ...

    def close(self, reason: int = ..., message: str = ...) -> None: ...


def close_socket(ws, code: int, reason: str, wait: bool = True) -> None:
    """Close with a code and reason and let the browser answer with its close frame: once that
    closing handshake is done the browser reports our code and reason (not 1006). A browser that
    never answers (its network is gone) gets its socket shut after CLOSE_WAIT_SECONDS. `wait`
    False does the waiting in the background (closing somebody else's socket)."""
    send_close(ws, code, reason)
    finish_close_now_or_later(ws, wait)


def send_close(ws, code: int, reason: str) -> None:
    with contextlib.suppress(Exception):  # already closed by the other side
        ws.close(reason=code, message=reason)
    event = getattr(ws, "event", None)
    if event is not None:
        event.set()  # a handler blocked in receive() sees the close at once


def finish_close_now_or_later(ws, wait: bool) -> None:
    if wait:
        finish_close(ws)
    else:
        threading.Thread(target=finish_close, args=(ws,), daemon=True).start()


def finish_close(ws) -> None:
    """Wait for the closing handshake, then shut the TCP connection: the development server
    would otherwise write an HTTP response after the close frame, which the browser reads as an
    invalid frame (close code 1006 instead of ours)."""
    thread = getattr(ws, "thread", None)
    if thread is not None and thread is not threading.current_thread():
        thread.join(CLOSE_WAIT_SECONDS)
    sock = getattr(ws, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


@dataclass(eq=False)
class Connection:
    """One participant's socket. Sends are serialised: the relay thread and the handler share it."""

    ws: Socket
    room: int
    user: dict  # {"id", "role", "name"}
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    closed: bool = False
    leaving: bool = False  # said "bye": left on purpose, not lost
    clock: ClockOffset = field(default_factory=ClockOffset)  # the browser's clock vs ours
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: dict) -> bool:
        if self.closed:
            return False
        text = json.dumps(message, ensure_ascii=False)
        with self._lock:
            try:
                self.ws.send(text)
                return True
            except Exception:  # a dead socket: the handler's loop notices and cleans up
                self.closed = True
                return False

    def close(self, code: int = CLOSE_NORMAL, reason: str = "", wait: bool = False) -> None:
        """`wait`: in the socket's own handler; otherwise the handshake finishes in background."""
        self.closed = True
        with self._lock:
            send_close(self.ws, code, reason)
        finish_close_now_or_later(self.ws, wait)


class LocalHub:
    """Rooms of this process only."""

    def __init__(self):
        self._rooms: dict[int, dict[str, Connection]] = {}
        self._lock = threading.Lock()

    def join(self, conn: Connection) -> None:
        """Add a connection; an older connection of the same user in the room is replaced."""
        with self._lock:
            self._rooms.setdefault(conn.room, {})[conn.id] = conn
        self.close_user(conn.room, conn.user["id"], keep=conn.id)

    def leave(self, conn: Connection) -> bool:
        """Remove a connection; False if it had already been replaced."""
        with self._lock:
            room = self._rooms.get(conn.room, {})
            present = room.pop(conn.id, None) is not None
            if not room:
                self._rooms.pop(conn.room, None)
        return present

    def peers(self, room: int, exclude: str | None = None) -> list[dict]:
        with self._lock:
            return [c.user for c in self._rooms.get(room, {}).values() if c.id != exclude]

    def publish(self, room: int, message: dict, exclude: str | None = None) -> None:
        self.deliver(room, message, exclude)

    def deliver(self, room: int, message: dict, exclude: str | None = None) -> None:
        with self._lock:
            targets = [c for c in self._rooms.get(room, {}).values() if c.id != exclude]
        for conn in targets:
            conn.send(message)

    def close_room(self, room: int) -> None:
        with self._lock:
            targets = list(self._rooms.get(room, {}).values())
        for conn in targets:
            conn.close(CLOSE_ENDED, "ended")

    def close_user(self, room: int, user_id: int, keep: str) -> None:
        """Close this process's sockets of `user_id` in `room` other than `keep` (replaced)."""
        with self._lock:
            room_conns = self._rooms.get(room, {})
            old = [c for c in room_conns.values() if c.user["id"] == user_id and c.id != keep]
            for conn in old:
                room_conns.pop(conn.id, None)
        for conn in old:
            conn.send({"type": "error", "code": "replaced", "message": "opened elsewhere"})
            conn.close(CLOSE_REPLACED, "replaced")

    def connection_count(self) -> int:
        with self._lock:
            return sum(len(room) for room in self._rooms.values())


class RedisHub(LocalHub):
    """Across processes: publish through Redis; a listener thread delivers to local sockets."""

    def __init__(self, url: str):
        import redis

        super().__init__()
        self._redis = redis.Redis.from_url(url)
        self._thread: PubSubWorkerThread | None = None
        self._start_lock = threading.Lock()

    def _listen(self) -> None:
        """Subscribe on first use, not at start-up: the app starts even while Redis restarts."""
        with self._start_lock:
            if self._thread is None:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.psubscribe(**{CHANNEL_PREFIX + "*": self._on_message})
                self._thread = pubsub.run_in_thread(sleep_time=0.01, daemon=True)

    def _on_message(self, item) -> None:
        try:
            envelope = json.loads(item["data"])
            room = int(item["channel"].decode().removeprefix(CHANNEL_PREFIX))
            if "replace" in envelope:
                self.close_user(room, int(envelope["replace"]), envelope["keep"])
                return
            self.deliver(room, envelope["message"], envelope.get("exclude"))
        except (ValueError, KeyError) as exc:
            log.warning("dropped a malformed relay message: %s", exc)

    def join(self, conn: Connection) -> None:
        """One socket per person per room across processes: the person's older entries go from
        the presence hash (also those left by a process that died), and the process holding an
        older socket closes it."""
        self._listen()
        super().join(conn)
        key = PRESENCE_PREFIX + str(conn.room)
        for conn_id, user in self._redis.hgetall(key).items():
            if json.loads(user)["id"] == conn.user["id"] and _text(conn_id) != conn.id:
                self._redis.hdel(key, conn_id)
        envelope = {"replace": conn.user["id"], "keep": conn.id}
        self._redis.publish(CHANNEL_PREFIX + str(conn.room), json.dumps(envelope))
        self._redis.hset(key, conn.id, json.dumps(conn.user))
        self._redis.expire(key, 24 * 3600)

    def leave(self, conn: Connection) -> bool:
        present = super().leave(conn)
        self._redis.hdel(PRESENCE_PREFIX + str(conn.room), conn.id)
        return present

    def peers(self, room: int, exclude: str | None = None) -> list[dict]:
        entries = self._redis.hgetall(PRESENCE_PREFIX + str(room))
        return [json.loads(user) for conn_id, user in entries.items() if _text(conn_id) != exclude]

    def publish(self, room: int, message: dict, exclude: str | None = None) -> None:
        envelope = json.dumps({"message": message, "exclude": exclude}, ensure_ascii=False)
        self._redis.publish(CHANNEL_PREFIX + str(room), envelope)

    def close_room(self, room: int) -> None:
        super().close_room(room)
        self._redis.delete(PRESENCE_PREFIX + str(room))

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.stop()


def current_hub() -> LocalHub:
    """This app's hub (consults/setup.py makes one per app)."""
    return current_app.extensions["consult_hub"]


def make_hub(redis_url: str | None) -> LocalHub:
    return RedisHub(redis_url) if redis_url else LocalHub()


def _text(key: bytes | str) -> str:
    """A Redis hash key as text (the client answers bytes unless told to decode)."""
    return key.decode() if isinstance(key, bytes) else key
