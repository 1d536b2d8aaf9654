"""A call outlives the server's idle limit and the room token's lifetime (issue 14: calls broke
after a couple of minutes). Both are made seconds long here, and the pages are made to fall
silent twice, so the server idle-closes their sockets; each page then renews its token, opens a
new socket, and the call goes on: same RTCPeerConnection, frames growing, chat both ways."""

import time

import pytest

from tests.webrtc.calls import (
    call_value,
    chat_both_ways,
    frames,
    open_call,
    seed_demo_call,
    wait_frames,
)

HOLD_SECONDS = 15


@pytest.fixture
def config_overrides():
    return {
        "WTF_CSRF_ENABLED": True,
        "CONSULT_IDLE_SECONDS": 3,
        "CONSULT_PING_SECONDS": 1,
        "CONSULT_ROOM_TOKEN_SECONDS": 2,  # expired long before the reconnects: they must renew
    }


def idle_close_and_return(page, seconds=15):
    """Silence the page's pings until the server closes its socket as idle (4000), then let the
    page ping again and wait for its next socket to reach welcome."""
    closes = len([c for c in call_value(page, "closes") if c["code"] == 4000])
    opened = call_value(page, "socketsOpened")
    page.evaluate("() => window.tcmCall.pausePings(true)")
    page.wait_for_function(
        "n => window.tcmCall.closes.filter(c => c.code === 4000).length > n",
        arg=closes,
        timeout=seconds * 1000,
    )
    page.evaluate("() => window.tcmCall.pausePings(false)")
    page.wait_for_function(
        "n => window.tcmCall.socketsOpened > n", arg=opened, timeout=seconds * 1000
    )


def test_call_outlives_idle_limits_and_token_lifetimes(app, live_server, browser):
    encounter_id = seed_demo_call()
    doctor, patient = open_call(browser, live_server, encounter_id)
    pages = (doctor, patient)
    for page in pages:
        wait_frames(page)
    generations = [call_value(page, "pcGeneration") for page in pages]
    began = time.monotonic()

    for _ in range(2):  # several idle closes of each page, each with an expired token
        idle_close_and_return(patient)
        idle_close_and_return(doctor)
    last = [frames(page) for page in pages]
    while time.monotonic() - began < HOLD_SECONDS:  # the media never noticed
        time.sleep(2)
        now = [frames(page) for page in pages]
        assert all(n > b for n, b in zip(now, last, strict=True)), (last, now)
        last = now

    chat_both_ways(doctor, patient, "空闲之后")
    assert [call_value(page, "pcGeneration") for page in pages] == generations
    assert all(call_value(page, "socketsOpened") >= 3 for page in pages)
