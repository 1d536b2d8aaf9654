"""A live threaded server for the signaling tests (WebSockets need a real socket) and a ready
online follow-up between a doctor and a patient."""

import os
import threading

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.factories import create_prescribable_encounter


class QuietHandler(WSGIRequestHandler):
    """No access log: a socket thread may log after the test's log capture has closed."""

    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


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
