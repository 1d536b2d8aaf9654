"""The live server's host:port for WebSocket clients, a ready online follow-up between a doctor
and a patient, and a private Redis."""

import os

import pytest

from tests.factories import create_prescribable_encounter


@pytest.fixture
def live_host(live_server):
    return live_server.removeprefix("http://")


@pytest.fixture
def consult(app):
    return create_prescribable_encounter()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real, private Redis on loopback for the whole session (installed by make test)."""
    import shutil
    import socket
    import subprocess
    import time

    import redis

    if os.environ.get("TCM_TEST_REDIS_URL"):
        yield os.environ["TCM_TEST_REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is missing: run scripts/system-deps.sh test")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    command = [
        binary,
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
