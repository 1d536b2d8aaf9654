"""Two real headless Chromium pages with fake camera and microphone, through the app's signaling on
loopback. Run inside a private network namespace so that media stays on loopback
(`make test` does: unshare -n, lo up, TCM_WEBRTC_NETNS=1)."""

import threading

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.conftest import ARGS, CHROMIUM

WEBRTC_ARGS = [
    *ARGS,
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
]


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        pytest.fail("Chromium is installed by make test")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=WEBRTC_ARGS)
        yield chromium
        chromium.close()
