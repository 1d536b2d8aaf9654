"""End to end: the demo doctor and the demo patient join the same consult through the real pages,
video frames are decoded on both sides (getStats), chat arrives both ways, and a third user is
refused."""

import time

from tcm_app.extensions import db
from tcm_app.models.encounters import Encounter
from tcm_app.services.demo import DEMO_PASSWORD, seed_demo
from tests.browser.pages import sign_in
from tests.factories import PASSWORD, create_patient
from tests.webrtc.calls import wait_frames


def test_doctor_and_patient_see_and_chat_with_each_other(app, live_server, browser):
    seed_demo()
    db.session.commit()
    followup = db.session.scalar(
        db.select(Encounter).where(
            Encounter.kind == "online_followup", Encounter.status == "in_progress"
        )
    )
    encounter_id = followup.id
    outsider = create_patient(name="路人甲")
    outsider_name = outsider.user.username
    db.session.commit()
    db.session.remove()

    doctor = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(doctor, live_server, "demo-doctor", DEMO_PASSWORD)
    doctor.goto(f"{live_server}/encounters/{encounter_id}")
    doctor.get_by_role("button", name="开始视频问诊").click()
    doctor.wait_for_url(f"**/consults/{encounter_id}/call")

    patient = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    sign_in(patient, live_server, "demo-patient", DEMO_PASSWORD)
    patient.goto(f"{live_server}/consults/{encounter_id}/call")

    doctor_stats, patient_stats = wait_frames(doctor), wait_frames(patient)
    assert doctor_stats["framesDecoded"] > 5 and patient_stats["framesDecoded"] > 5
    assert doctor_stats["candidateType"] in ("host", "srflx", "prflx", "relay")

    patient.fill("#chat-text", "医生好，胃痛好多了")
    patient.locator("#chat-form button[type=submit]").click()
    doctor.wait_for_function(
        "() => document.querySelector('#chat-log').textContent.includes('胃痛好多了')"
    )
    doctor.fill("#chat-text", "请把舌头伸出来看看")
    doctor.locator("#chat-form button[type=submit]").click()
    patient.wait_for_function(
        "() => document.querySelector('#chat-log').textContent.includes('伸出来')"
    )

    doctor.click("#btn-tongue-capture")  # a still of the patient's video becomes a tongue photo
    doctor.wait_for_selector("#tongue-capture-status[data-status]:not([data-status=received])")
    assert doctor.get_attribute("#tongue-capture-status", "data-status") in {
        "analysed",
        "quality_failed",
    }

    doctor.get_by_role("button", name="开具处方").click()  # the editor opens beside the video
    editor = doctor.frame(name="rx-frame")
    deadline = time.monotonic() + 10
    while "/edit" not in (editor.url or "") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert editor.locator("input.herb-name").count() > 0

    third = browser.new_context().new_page()
    sign_in(third, live_server, outsider_name, PASSWORD)
    response = third.goto(f"{live_server}/consults/{encounter_id}/call")
    assert response.status == 404
    assert wait_frames(doctor, above=doctor_stats["framesDecoded"])  # the call goes on
