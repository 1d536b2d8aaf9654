"""The signaling server dies (SIGKILL: no close frame to anybody) and starts again on the same
port mid-call: media flows peer to peer the whole time, the pages reconnect their sockets on
their own, keep their RTCPeerConnection, and chat goes both ways afterwards. Once with the
in-process hub, once relaying through a real Redis (whose presence outlives the killed process).
"""

import pytest
import redis

from tests.webrtc.calls import (
    call_value,
    chat_both_ways,
    frames,
    open_call,
    seed_demo_call,
    wait_frames,
)


@pytest.fixture(params=["local-hub", "redis-hub"])
def config_overrides(request):
    overrides = {"WTF_CSRF_ENABLED": True}
    if request.param == "redis-hub":
        url = request.getfixturevalue("redis_url")
        redis.Redis.from_url(url).flushdb()  # room ids restart with every test database
        overrides["CONSULT_REDIS_URL"] = url  # app_process copies it
    return overrides


def test_server_restart_keeps_media_and_chat(app, app_process, browser):
    encounter_id = seed_demo_call()
    app_process.start()
    doctor, patient = open_call(browser, app_process.url, encounter_id)
    pages = (doctor, patient)
    for page in pages:
        wait_frames(page)
    generations = [call_value(page, "pcGeneration") for page in pages]
    opened = [call_value(page, "socketsOpened") for page in pages]
    before = [frames(page) for page in pages]

    app_process.restart(kill=True)
    during = [frames(page) for page in pages]
    assert all(d > b for d, b in zip(during, before, strict=True)), (before, during)

    for page, count in zip(pages, opened, strict=True):
        page.wait_for_function("n => window.tcmCall.socketsOpened > n", arg=count, timeout=20_000)
    chat_both_ways(doctor, patient, "重启之后")
    assert [call_value(page, "pcGeneration") for page in pages] == generations
    for page, seen in zip(pages, during, strict=True):
        wait_frames(page, above=seen, seconds=5)  # and the video goes on
