"""The fault harness itself: a cut of loopback really stops traffic while the test keeps control
of its pages (Playwright speaks to Chromium over a pipe), and a SIGKILLed app process comes back
on the same port with the same keys (the signed-in page stays signed in)."""

import socket
import time

from tcm_app.services.demo import DEMO_PASSWORD
from tests.browser.pages import sign_in
from tests.webrtc.calls import seed_demo_call


def reaches(port: int) -> bool:
    """A TCP handshake on loopback within 1 s (a cut drops the SYN: a timeout, not a refusal)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_a_cut_stops_loopback_but_not_the_pages(app, live_server, browser, network):
    port = int(live_server.rsplit(":", 1)[1])
    page = browser.new_page()
    page.goto(f"{live_server}/login")
    with network.outage(3, kind="all"):
        assert not reaches(port)
        assert page.evaluate("() => 6 * 7") == 42  # the pipe to Chromium is not on lo
        assert page.title()
    assert reaches(port)
    network.cut("udp")  # media only: TCP still goes through
    assert reaches(port)
    assert "TCM_NETFAULT" in network.rules()


def test_the_app_process_restarts_on_its_port_with_the_same_keys(app, app_process, browser):
    encounter_id = seed_demo_call()
    app_process.start()
    page = browser.new_page()
    sign_in(page, app_process.url, "demo-doctor", DEMO_PASSWORD)
    page.goto(f"{app_process.url}/encounters/{encounter_id}")
    assert "/login" not in page.url
    began = time.monotonic()
    app_process.restart(kill=True)
    assert time.monotonic() - began < 15 and app_process.starts == 2
    page.goto(f"{app_process.url}/encounters/{encounter_id}")
    assert "/login" not in page.url  # the session cookie is still good after the restart
    assert page.get_by_role("button", name="开始视频问诊").count() == 1
