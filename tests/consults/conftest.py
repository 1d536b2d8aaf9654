"""A live threaded server for the signaling tests (WebSockets need a real socket) and a ready
online follow-up between a doctor and a patient."""

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
