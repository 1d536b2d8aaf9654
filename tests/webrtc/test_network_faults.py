"""The network goes and comes back (every packet on loopback dropped, as when a phone loses its
network): the pages say so within 3 s, keep saying so while it lasts, and recover by themselves,
without a reload; after 30 s chat goes both ways again; the process record has the stall."""

import time

from consults.models import ConsultEvent
from tcm_app.extensions import db
from tests.webrtc.calls import (
    chat_both_ways,
    frames_resumed_on,
    mark_document,
    open_call,
    same_document,
    seed_demo_call,
    wait_frames,
    wait_phase,
)

SHOWN_WITHIN = 3  # seconds from the cut to phase "outage"


def connected_call(browser, base):
    encounter_id = seed_demo_call()
    doctor, patient = open_call(browser, base, encounter_id)
    for page in (doctor, patient):
        wait_frames(page)
        mark_document(page)
    return encounter_id, doctor, patient


# While the network is gone a page says so: 网络中断，正在重连 (outage), and after 20 s without
# media or once the connection has failed, that the call was cut off, with 重新加入 (failed).
DOWN = {"outage", "failed"}
# Read at once: the phase and the button change together.
PHASE_AND_REJOIN = "() => [window.tcmCall.phase, !document.getElementById('btn-rejoin').hidden]"


def ride_out(network, pages, seconds):
    """Cut for `seconds`: both pages show the outage within 3 s and keep showing it."""
    with network.outage(seconds, kind="all") as cut:
        for page in pages:
            assert wait_phase(page, "outage", SHOWN_WITHIN) <= SHOWN_WITHIN
            assert "网络中断，正在重连" in page.inner_text("#status")
            # The badge reads what arrives per second: nothing arriving is poor, not good.
            assert page.get_attribute("#quality", "data-level") == "poor"
        while time.monotonic() < cut.cut_at + seconds - 0.5:
            for page in pages:
                phase, rejoin_shown = page.evaluate(PHASE_AND_REJOIN)
                assert phase in DOWN
                assert rejoin_shown == (phase == "failed")
            time.sleep(0.5)


def recovered(pages, seconds=15):
    assert None not in frames_resumed_on(pages, seconds)
    for page in pages:
        wait_phase(page, "connected", seconds)
        assert same_document(page)  # recovered by itself, not by a reload


def test_5_s_outage_is_shown_and_recovered(app, live_server, browser, network):
    _, doctor, patient = connected_call(browser, live_server)
    ride_out(network, (doctor, patient), 5)
    recovered((doctor, patient))


def test_30_s_outage_is_shown_and_recovered_with_chat(app, live_server, browser, network):
    _, doctor, patient = connected_call(browser, live_server)
    ride_out(network, (doctor, patient), 30)
    recovered((doctor, patient), seconds=30)
    chat_both_ways(doctor, patient, "断网之后")


def test_the_record_has_the_stall_and_its_length(app, live_server, browser, network):
    encounter_id, doctor, patient = connected_call(browser, live_server)
    ride_out(network, (doctor, patient), 8)
    recovered((doctor, patient))
    deadline = time.monotonic() + 10
    while True:  # the pages report over their sockets; give the reports time to land
        events = db.session.scalars(
            db.select(ConsultEvent).where(ConsultEvent.encounter_id == encounter_id)
        ).all()
        resumed = [e for e in events if e.name == "media_resumed"]
        if len({e.actor_id for e in resumed}) == 2 or time.monotonic() > deadline:
            break
        db.session.remove()
        time.sleep(0.5)
    assert len({e.actor_id for e in events if e.name == "media_stalled"}) == 2, [
        (e.name, e.detail) for e in events
    ]
    assert len({e.actor_id for e in resumed}) == 2
    for event in resumed:  # from the last frame before the cut to the first after the return
        assert 6000 <= event.detail["stalled_ms"] <= 14000, event.detail
