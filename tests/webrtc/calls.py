"""Steps shared by the WebRTC tests and benchmarks/webrtc.py: open a call between the demo doctor
and the demo patient, and watch it through `window.tcmCall` (frames, phase, chat)."""

from __future__ import annotations

import time

from tcm_app.extensions import db
from tcm_app.models.encounters import Encounter
from tcm_app.services.demo import DEMO_PASSWORD, seed_demo
from tests.browser.pages import sign_in

STATS = "async () => window.tcmCall ? await window.tcmCall.stats() : {}"
PHASE = "() => window.tcmCall ? window.tcmCall.phase : undefined"


def seed_demo_call() -> int:
    """Seed the demo data (inside an app context) and return the id of the in-progress online
    follow-up encounter; the session is released so the server threads can write."""
    seed_demo()
    db.session.commit()
    encounter_id = db.session.scalar(
        db.select(Encounter.id).where(
            Encounter.kind == "online_followup", Encounter.status == "in_progress"
        )
    )
    db.session.remove()
    return encounter_id


def open_call(browser, base: str, encounter_id: int, patient_base: str | None = None):
    """The doctor starts the video consult from the encounter page, the patient (a phone-sized
    page) opens the call; returns (doctor_page, patient_page), not yet waited for media. The
    patient may come through another address (`patient_base`: another server of the same app).
    The production stack's own certificate is self-signed: accepted here."""
    patient_base = patient_base or base
    doctor = browser.new_context(
        viewport={"width": 1280, "height": 800}, ignore_https_errors=True
    ).new_page()
    sign_in(doctor, base, "demo-doctor", DEMO_PASSWORD)
    doctor.goto(f"{base}/encounters/{encounter_id}")
    doctor.get_by_role("button", name="开始视频问诊").click()
    doctor.wait_for_url(f"**/consults/{encounter_id}/call")
    patient = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, ignore_https_errors=True
    ).new_page()
    sign_in(patient, patient_base, "demo-patient", DEMO_PASSWORD)
    patient.goto(f"{patient_base}/consults/{encounter_id}/call")
    return doctor, patient


def frames(page) -> int:
    return page.evaluate(STATS).get("framesDecoded", 0)


def wait_frames(page, above=5, seconds=20):
    """getStats until more than `above` video frames were decoded (or fail after `seconds`)."""
    deadline = time.monotonic() + seconds
    stats = {}
    while time.monotonic() < deadline:
        stats = page.evaluate(STATS)
        if stats.get("framesDecoded", 0) > above:
            return stats
        time.sleep(0.25)
    raise AssertionError(f"no video decoded: {stats}")


def frames_resumed_after(page, seconds: float, poll: float = 0.05) -> float | None:
    """Seconds from now until framesDecoded grows between two readings (None: not within
    `seconds`). A rebuilt RTCPeerConnection restarts its count at 0: a drop is a new baseline."""
    return frames_resumed_on([page], seconds, poll)[0]


def frames_resumed_on(pages, seconds: float, poll: float = 0.05) -> list[float | None]:
    """frames_resumed_after for several pages watched at once (one figure per page)."""
    began = time.monotonic()
    last = [frames(page) for page in pages]
    resumed: list[float | None] = [None] * len(pages)
    while time.monotonic() - began < seconds and None in resumed:
        time.sleep(poll)
        for i, page in enumerate(pages):
            if resumed[i] is None:
                now = frames(page)
                if now > last[i]:
                    resumed[i] = time.monotonic() - began
                last[i] = now
    return resumed


def phase_reached_on(pages, phase: str, seconds: float, poll: float = 0.05) -> list[float | None]:
    """Seconds from now until each page's `window.tcmCall.phase` is `phase` (None: not within
    `seconds`); a page that never reports a phase (today's client) stays None."""
    began = time.monotonic()
    reached: list[float | None] = [None] * len(pages)
    while time.monotonic() - began < seconds and None in reached:
        for i, page in enumerate(pages):
            if reached[i] is None and page.evaluate(PHASE) == phase:
                reached[i] = time.monotonic() - began
        time.sleep(poll)
    return reached


def wait_phase(page, phase: str, seconds: float, poll: float = 0.05) -> float:
    """Seconds until `window.tcmCall.phase` is `phase`; fails with the page's phase log."""
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if page.evaluate(PHASE) == phase:
            return time.monotonic() - began
        time.sleep(poll)
    log = page.evaluate("() => window.tcmCall && window.tcmCall.phaseLog")
    now = page.evaluate(PHASE)
    raise AssertionError(f"phase never {phase!r} within {seconds} s, now {now!r}: {log}")


def send_chat(page, text: str) -> None:
    page.fill("#chat-text", text)
    page.locator("#chat-form button[type=submit]").click()


def wait_chat(page, text: str, seconds: float) -> None:
    page.wait_for_function(
        "text => document.querySelector('#chat-log').textContent.includes(text)",
        arg=text,
        timeout=seconds * 1000,
    )


def chat_both_ways(doctor, patient, tag: str, seconds: float = 10) -> None:
    """The doctor writes, the patient reads it; the patient writes, the doctor reads it.
    `tag` makes the texts unique, so an old message cannot pass for a new one."""
    send_chat(doctor, f"医生说 {tag}")
    wait_chat(patient, f"医生说 {tag}", seconds)
    send_chat(patient, f"病人说 {tag}")
    wait_chat(doctor, f"病人说 {tag}", seconds)


def call_value(page, name: str):
    """One of the contract's `window.tcmCall` values (pcGeneration, socketsOpened, closes...);
    fails, saying so, on a page whose client does not offer it."""
    value = page.evaluate("name => window.tcmCall ? window.tcmCall[name] : undefined", name)
    assert value is not None, f"window.tcmCall.{name} is missing (the call page contract)"
    return value


def mark_document(page) -> None:
    """Marks the page's document; `same_document` is then False after any reload."""
    page.evaluate("() => { window.__tcmSameDocument = true; }")


def same_document(page) -> bool:
    return page.evaluate("() => window.__tcmSameDocument === true")
