"""The Celery worker's heartbeat in Redis, read by the readiness check (issue 21).

A worker process writes `tcm:worker-heartbeat:<hostname>` every INTERVAL_SECONDS with the time it
wrote it, and a TTL of FRESH_SECONDS so that a worker that died leaves nothing behind for long.
Readiness asks for at least one heartbeat younger than FRESH_SECONDS: a node whose tasks (SMS
codes, reminders, the audit chain check) would queue with nobody to run them is not ready.

The heartbeat runs on a daemon thread started by Celery's `worker_ready` signal (only in a worker,
never in a web process or in beat) and stops, removing its key, at `worker_shutdown`."""

import logging
import threading
from datetime import datetime

from celery.signals import worker_ready, worker_shutdown

from tcm_app.services.clock import utc_now

log = logging.getLogger(__name__)

KEY_PREFIX = "tcm:worker-heartbeat:"
INTERVAL_SECONDS = 10.0
# Three missed beats: a worker busy for a moment is not taken for a dead one.
FRESH_SECONDS = 30
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
# One bounded wait for every Redis call: a heartbeat or a readiness check never hangs on it.
REDIS_TIMEOUT_SECONDS = 1.0


def is_redis_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(REDIS_SCHEMES)


def redis_client(url: str):
    import redis

    return redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )


def heartbeat_key(hostname: str) -> str:
    return KEY_PREFIX + hostname


def beat(client, hostname: str, now: datetime) -> None:
    client.set(heartbeat_key(hostname), f"{now.timestamp():.3f}", ex=FRESH_SECONDS)


def youngest_heartbeat_age(client, now: datetime) -> float | None:
    """Seconds since the most recent heartbeat of any worker; None when there is none."""
    keys = list(client.scan_iter(match=KEY_PREFIX + "*", count=100))
    stamps = []
    for raw in client.mget(keys) if keys else []:
        try:
            stamps.append(float(raw))
        except (TypeError, ValueError):  # expired between SCAN and MGET, or not ours
            continue
    return now.timestamp() - max(stamps) if stamps else None


class Heartbeat:
    """A daemon thread that beats until stopped; a Redis outage is logged and beaten through."""

    def __init__(self, url: str, hostname: str, interval: float = INTERVAL_SECONDS):
        self.client = redis_client(url)
        self.hostname = hostname
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tcm-worker-heartbeat", daemon=True)

    def start(self) -> "Heartbeat":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop beating and remove the key: a worker that shut down cleanly is gone at once."""
        self._stop.set()
        self._thread.join(timeout=self.interval + REDIS_TIMEOUT_SECONDS)
        try:
            self.client.delete(heartbeat_key(self.hostname))
        except Exception:  # Redis away: the key expires by itself
            log.warning("worker heartbeat: could not remove %s", heartbeat_key(self.hostname))

    def _run(self) -> None:
        while True:
            try:
                beat(self.client, self.hostname, utc_now())
            except Exception as exc:  # keep beating: Redis may come back
                log.warning("worker heartbeat: Redis unreachable (%s)", exc)
            if self._stop.wait(self.interval):
                return


def install_worker_heartbeat(broker_url: str, interval: float = INTERVAL_SECONDS):
    """Connect the heartbeat to the worker's start and stop (tcm_app/worker.py calls this), and
    return a function that disconnects it again. With an in-process broker (the embedded demo)
    there is no worker and nothing to connect."""
    if not is_redis_url(broker_url):
        return lambda: None
    running: dict[str, Heartbeat] = {}

    def start(sender=None, **_kwargs) -> None:
        hostname = getattr(sender, "hostname", None) or "worker"
        if hostname not in running:
            running[hostname] = Heartbeat(broker_url, hostname, interval).start()

    def stop(sender=None, **_kwargs) -> None:
        for hostname in list(running):
            running.pop(hostname).stop()

    worker_ready.connect(start, weak=False)
    worker_shutdown.connect(stop, weak=False)

    def uninstall() -> None:
        worker_ready.disconnect(start)
        worker_shutdown.disconnect(stop)

    return uninstall
