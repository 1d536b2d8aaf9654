"""Liveness and readiness for the load balancer (issue 21): /healthz answers while the process
runs, whatever the database does; /readyz answers 200 only when the database, Redis and a fresh
Celery worker heartbeat answer, else 503 naming what failed, and never hangs on what does not
answer. Both are public JSON, never cached, and set no session cookie."""

import socket
from datetime import timedelta

import pytest
import redis
import time_machine
from celery.signals import worker_ready, worker_shutdown

from tcm_app.app import create_app
from tcm_app.services.clock import utc_now
from tcm_app.services.worker_heartbeat import (
    FRESH_SECONDS,
    beat,
    heartbeat_key,
    install_worker_heartbeat,
)
from tests.conftest import base_config
from tests.polling import wait_until
from tests.redis_server import RedisServer

PROBES = ("/healthz", "/readyz")


def redis_settings(url: str) -> dict:
    """A production-like node: Celery through Redis (tasks not in-process), limits in Redis."""
    return {
        "CELERY": {"broker_url": url, "result_backend": url, "task_always_eager": False},
        "RATELIMIT_STORAGE_URI": url,
    }


@pytest.fixture
def store(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def ready(client):
    response = client.get("/readyz")
    return response.status_code, response.get_json()


@pytest.mark.parametrize("path", PROBES)
def test_probes_are_public_json_never_cached_and_set_no_cookie(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.is_json
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_liveness_says_ok(app):
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}


def test_the_embedded_demo_is_ready_on_its_database_alone(app):
    status, body = ready(app.test_client())
    assert status == 200 and body["status"] == "ready"
    assert body["checks"]["database"]["ok"] is True
    assert isinstance(body["checks"]["database"]["ms"], int)
    assert body["checks"]["redis"] == {"ok": True, "skipped": True, "reason": "no Redis configured"}
    assert body["checks"]["worker"]["skipped"] is True


def test_without_a_database_the_process_is_alive_but_not_ready(tmp_path):
    broken = create_app(base_config(f"sqlite:///{tmp_path}/missing/folder/tcm.db", tmp_path))
    client = broken.test_client()
    assert client.get("/healthz").status_code == 200
    status, body = ready(client)
    assert status == 503 and body["status"] == "not_ready"
    assert body["failing"] == ["database"]
    reason = body["checks"]["database"]["reason"]
    assert reason == "database check failed (OperationalError)"  # no driver message, no stack


def node_on(database_url, tmp_path, url):
    return create_app(base_config(database_url, tmp_path, **redis_settings(url)))


def test_a_node_with_redis_and_a_fresh_worker_heartbeat_is_ready(database_url, tmp_path, store,
                                                                  redis_url):  # fmt: skip
    beat(store, "celery@node-a", utc_now())
    status, body = ready(node_on(database_url, tmp_path, redis_url).test_client())
    assert status == 200, body
    assert [body["checks"][name]["ok"] for name in ("database", "redis", "worker")] == [True] * 3


HEARTBEATS = [
    pytest.param(None, "no Celery worker heartbeat", id="no-worker-ever-beat-is-not-ready"),
    pytest.param(
        FRESH_SECONDS * 2,
        f"last Celery worker heartbeat {FRESH_SECONDS * 2} s ago",
        id="a-stale-heartbeat-is-not-ready",
    ),
]


@pytest.mark.parametrize(("age", "reason"), HEARTBEATS)
def test_without_a_fresh_worker_heartbeat_the_node_is_not_ready(
    database_url, tmp_path, store, redis_url, age, reason
):
    # The clock stands still: starting the app on a busy machine once took 5 s, and the age read
    # back was 65 s, not the 60 s written.
    with time_machine.travel(utc_now(), tick=False):
        if age is not None:
            beat(store, "celery@node-a", utc_now() - timedelta(seconds=age))
        status, body = ready(node_on(database_url, tmp_path, redis_url).test_client())
    assert status == 503
    assert body["failing"] == ["worker"]
    assert body["checks"]["worker"]["reason"] == reason


def test_with_redis_stopped_the_node_is_not_ready_and_names_redis(database_url, tmp_path):
    server = RedisServer(tmp_path)
    client = node_on(database_url, tmp_path, server.url).test_client()
    beat(redis.Redis.from_url(server.url), "celery@node-a", utc_now())
    assert ready(client)[0] == 200
    server.stop()
    status, body = ready(client)
    assert status == 503
    assert body["failing"] == ["redis", "worker"]
    assert body["checks"]["redis"]["reason"] == "Redis does not answer"
    assert body["checks"]["database"]["ok"] is True


def test_a_redis_that_never_answers_fails_the_check_instead_of_hanging(database_url, tmp_path):
    """A socket that takes connections and never answers: the check gives up (its timeout) and
    readiness answers 503 instead of waiting with the load balancer."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        status, body = ready(node_on(database_url, tmp_path, url).test_client())
    assert status == 503
    assert body["failing"] == ["redis", "worker"]


class Consumer:
    """What Celery sends `worker_ready` with: the worker's consumer, which knows its hostname."""

    hostname = "celery@node-a"


@pytest.fixture
def heartbeat_installed(redis_url):
    uninstall = install_worker_heartbeat(redis_url, interval=0.05)
    yield
    worker_shutdown.send(sender=None)
    uninstall()


def test_a_started_worker_beats_until_it_shuts_down(
    database_url, tmp_path, store, redis_url, heartbeat_installed
):
    client = node_on(database_url, tmp_path, redis_url).test_client()
    assert ready(client)[0] == 503
    worker_ready.send(sender=Consumer())
    wait_until(lambda: store.exists(heartbeat_key("celery@node-a")))
    assert store.ttl(heartbeat_key("celery@node-a")) <= FRESH_SECONDS
    assert ready(client)[0] == 200
    worker_shutdown.send(sender=None)
    assert not store.exists(heartbeat_key("celery@node-a"))
    status, body = ready(client)
    assert status == 503 and body["failing"] == ["worker"]
