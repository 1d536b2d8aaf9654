"""Is this node ready to take requests? The checks behind GET /readyz (issue 21).

The load balancer asks every few seconds, so each check is cheap and bounded: it runs on its own
daemon thread and counts as failed after CHECK_SECONDS whatever it is waiting for (a connection
pool that is full, a Redis that does not answer), besides its own driver timeouts. The answer is
for machines: each check's outcome, how long it took, and a short English reason when it failed;
details (host names, driver messages) go to the server log only, as the endpoint is public.

- database: `SELECT 1` (PostgreSQL: with a statement timeout of CHECK_SECONDS);
- redis: PING on each Redis URL the node uses (Celery broker, rate-limit storage); skipped when
  none is Redis (the embedded demo);
- worker: at least one Celery worker heartbeat younger than FRESH_SECONDS
  (tcm_app/services/worker_heartbeat.py); skipped when Celery runs tasks in-process."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from tcm_app.extensions import db
from tcm_app.services.clock import utc_now
from tcm_app.services.worker_heartbeat import (
    FRESH_SECONDS,
    is_redis_url,
    redis_client,
    youngest_heartbeat_age,
)

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.0


class NotReadyError(Exception):
    """A check's answer that the node is not ready, with the reason to show."""


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    ms: int = 0
    reason: str = ""
    skipped: bool = False

    def as_json(self) -> dict:
        answer: dict = {"ok": self.ok}
        if self.skipped:
            answer["skipped"] = True
        else:
            answer["ms"] = self.ms
        if self.reason:
            answer["reason"] = self.reason
        return answer


def skipped(reason: str) -> CheckResult:
    return CheckResult(ok=True, reason=reason, skipped=True)


class Running:
    """A probe on its own daemon thread. A probe that hangs is left behind (its own driver
    timeout ends it) instead of holding up the answer."""

    def __init__(self, name: str, probe: Callable[[], None]):
        self.name = name
        self.probe = probe
        self.error: BaseException | None = None
        self.started = time.perf_counter()
        self.finished: float | None = None
        self.thread = threading.Thread(target=self._run, name=f"readiness-{name}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.probe()
        except BaseException as exc:  # reported, never raised
            self.error = exc
        self.finished = time.perf_counter()

    def result(self, deadline: float, seconds: float) -> CheckResult:
        self.thread.join(max(0.0, deadline - time.perf_counter()))
        if self.thread.is_alive() or self.finished is None:
            log.warning("readiness: %s check did not answer within %s s", self.name, seconds)
            return CheckResult(ok=False, ms=round(seconds * 1000),
                               reason=f"no answer within {seconds:g} s")  # fmt: skip
        ms = round((self.finished - self.started) * 1000)
        if self.error is None:
            return CheckResult(ok=True, ms=ms)
        if isinstance(self.error, NotReadyError):
            return CheckResult(ok=False, ms=ms, reason=str(self.error))
        log.warning("readiness: %s check failed: %r", self.name, self.error)
        return CheckResult(ok=False, ms=ms, reason=f"{self.name} check failed "
                           f"({type(self.error).__name__})")  # fmt: skip


def run_checks(
    checks: dict[str, Callable[[], None] | CheckResult], seconds: float = CHECK_SECONDS
) -> dict[str, CheckResult]:
    """Run every probe at once, each failed when it raises or has not finished in `seconds`: the
    whole answer takes at most `seconds`, however many checks hang."""
    deadline = time.perf_counter() + seconds
    running = {
        name: Running(name, check) if callable(check) else check for name, check in checks.items()
    }
    return {
        name: run.result(deadline, seconds) if isinstance(run, Running) else run
        for name, run in running.items()
    }


def database_probe(app: Flask) -> Callable[[], None]:
    with app.app_context():
        engine = db.engine
    timeout_ms = int(CHECK_SECONDS * 1000)

    def probe() -> None:
        # The driver's own connection: no ORM session, and on SQLite no BEGIN IMMEDIATE (the
        # app's transactions take the write lock; a check must not queue behind them).
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            if engine.dialect.name == "postgresql":
                cursor.execute(f"SET LOCAL statement_timeout = {timeout_ms}")
            cursor.execute("SELECT 1")
            cursor.fetchone()
            cursor.close()
            connection.rollback()
        finally:
            connection.close()

    return probe


def redis_urls(config) -> list[str]:
    """The distinct Redis URLs this node depends on (the same one may serve both)."""
    urls = [config["CELERY"].get("broker_url"), config.get("RATELIMIT_STORAGE_URI")]
    return list(dict.fromkeys(url for url in urls if is_redis_url(url)))


def redis_probe(config) -> Callable[[], None] | CheckResult:
    urls = redis_urls(config)
    if not urls:
        return skipped("no Redis configured")

    def probe() -> None:
        for url in urls:
            client = redis_client(url)
            try:
                client.ping()
            except Exception as exc:
                log.warning("readiness: Redis ping failed: %r", exc)
                raise NotReadyError("Redis does not answer") from exc
            finally:
                client.close()

    return probe


def worker_probe(config) -> Callable[[], None] | CheckResult:
    celery = config["CELERY"]
    if celery.get("task_always_eager") or not is_redis_url(celery.get("broker_url")):
        return skipped("tasks run in-process")

    def probe() -> None:
        client = redis_client(celery["broker_url"])
        try:
            age = youngest_heartbeat_age(client, utc_now())
        except Exception as exc:
            log.warning("readiness: reading worker heartbeats failed: %r", exc)
            raise NotReadyError("worker heartbeats cannot be read from Redis") from exc
        finally:
            client.close()
        if age is None:
            raise NotReadyError("no Celery worker heartbeat")
        if age > FRESH_SECONDS:
            raise NotReadyError(f"last Celery worker heartbeat {age:.0f} s ago")

    return probe


def readiness(app: Flask) -> dict[str, CheckResult]:
    """Every check, in the order the answer lists them."""
    return run_checks(
        {
            "database": database_probe(app),
            "redis": redis_probe(app.config),
            "worker": worker_probe(app.config),
        }
    )
