"""When the call cannot mend itself: the page that lost its media for 20 s says the call was cut
off and offers 重新加入, which starts both sides on a new connection; and when the patient leaves,
the doctor's page says so and calls the patient back, whose phone brings them into the call."""

import re

from consults.models import ConsultEvent
from tcm_app.extensions import db
from tcm_app.services.demo import DEMO_PASSWORD
from tests.browser.pages import sign_in
from tests.webrtc.calls import (
    call_value,
    chat_both_ways,
    frames_resumed_on,
    open_call,
    seed_demo_call,
    wait_frames,
    wait_phase,
)


def test_a_cut_off_call_is_rejoined_with_the_button(app, live_server, browser, network):
    encounter_id = seed_demo_call()
    doctor, patient = open_call(browser, live_server, encounter_id)
    for page in (doctor, patient):
        wait_frames(page)
    generations = [call_value(page, "pcGeneration") for page in (doctor, patient)]
    assert not patient.is_visible("#btn-rejoin")

    network.cut("udp")  # the media path only: signaling keeps working
    wait_phase(patient, "failed", 30)  # 20 s without media
    assert "请检查网络" in patient.inner_text("#status")
    patient.get_by_role("button", name="重新加入").click()
    network.restore()

    assert None not in frames_resumed_on((doctor, patient), 20)
    for page in (doctor, patient):
        wait_phase(page, "connected", 20)
    assert not patient.is_visible("#btn-rejoin")
    # Both sides started from a new connection: the patient's page asked, the doctor's followed.
    now = [call_value(page, "pcGeneration") for page in (doctor, patient)]
    assert all(n > g for n, g in zip(now, generations, strict=True)), (generations, now)
    chat_both_ways(doctor, patient, "重新加入之后")
    names = db.session.scalars(
        db.select(ConsultEvent.name).where(ConsultEvent.encounter_id == encounter_id)
    ).all()
    assert {"media_stalled", "call_failed", "rejoined"} <= set(names)


def test_the_doctor_calls_back_a_patient_who_left(app, live_server, browser):
    encounter_id = seed_demo_call()
    doctor, patient = open_call(browser, live_server, encounter_id)
    wait_frames(doctor)
    assert not doctor.is_visible("#call-back")

    patient.context.close()  # the patient closes the page: gone on purpose, not lost
    wait_phase(doctor, "peer-away", 10)
    assert "对方已离开" in doctor.inner_text("#status")
    doctor.get_by_role("button", name="回拨患者").click()
    doctor.wait_for_function(
        "() => document.getElementById('call-back-state').textContent.includes('已通知患者')"
    )

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    sign_in(phone, live_server, "demo-patient", DEMO_PASSWORD)
    phone.get_by_role("link", name=re.compile("消息")).click()
    phone.get_by_role("button", name=re.compile("医生正在视频问诊中等您")).first.click()
    phone.wait_for_url(re.compile(rf"/consults/{encounter_id}/call$"))
    wait_frames(phone)
    wait_phase(doctor, "connected", 20)
    assert not doctor.is_visible("#call-back")


def test_a_second_tab_takes_over_and_hanging_up_ends_the_other_page(app, live_server, browser):
    encounter_id = seed_demo_call()
    doctor, patient = open_call(browser, live_server, encounter_id)
    wait_frames(patient)

    second = patient.context.new_page()  # the patient opens the call again in another tab
    second.goto(f"{live_server}/consults/{encounter_id}/call")
    wait_frames(second)
    wait_phase(patient, "replaced", 10)  # closed with 4003: the old tab stops, and says why
    assert "已在其他页面或设备打开" in patient.inner_text("#status")
    assert any(close["code"] == 4003 for close in call_value(patient, "closes"))

    doctor.get_by_role("button", name="挂断").click()
    wait_phase(second, "ended", 10)
    assert "问诊已结束" in second.inner_text("#status")
