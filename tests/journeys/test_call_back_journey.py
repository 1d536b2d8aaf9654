"""A video consult broke: the patient's phone dropped out of the call the doctor started. The doctor
sees it on the workbench (通话中断), calls her back (回拨患者) and is taken to the call page; the
patient, on her phone, sees the unread message in the navigation, opens it and arrives at the
call page. No camera here (no fake media flags): the two-browser call lives in tests/webrtc."""

import re

from playwright.sync_api import expect

from consults.services import calls
from tcm_app.extensions import db
from tests.factories import PASSWORD, create_doctor, create_patient, create_prescribable_encounter
from tests.journeys.conftest import sign_in

MESSAGE = "医生正在视频问诊中等您，请点此回到问诊。"


def broken_call():
    """An online follow-up in progress whose call is on; the patient joined, then dropped out."""
    doctor = create_doctor(username="dr-zhang")
    patient = create_patient(name="王丽")
    encounter = create_prescribable_encounter(patient=patient, doctor=doctor)
    calls.start_call(encounter, doctor)
    calls.record_event(encounter.id, patient.user_id, "joined")
    calls.record_event(encounter.id, patient.user_id, "left")
    db.session.commit()
    found = encounter.id, patient.user.username
    db.session.remove()
    return found


def test_the_doctor_calls_back_a_patient_who_dropped_out(app, live_server, person):
    encounter_id, patient_login = broken_call()
    call_page = re.compile(rf"/consults/{encounter_id}/call$")

    desk = person("doctor")
    sign_in(desk, live_server, "dr-zhang", PASSWORD)
    desk.get_by_role("link", name="医生工作台").click()
    broken = desk.locator("section", has=desk.get_by_role("heading", name="通话中断"))
    expect(broken).to_contain_text("王丽")
    expect(broken).to_contain_text("起离开")
    broken.get_by_role("button", name="回拨患者").click()
    desk.wait_for_url(call_page)
    expect(desk.locator(".flash")).to_contain_text("已通知患者回到问诊")

    phone = person("patient", phone=True)
    sign_in(phone, live_server, patient_login, PASSWORD)
    inbox_link = phone.get_by_role("link", name="消息")
    expect(inbox_link).to_contain_text("1")
    inbox_link.click()
    message = phone.get_by_role("button", name=MESSAGE)
    expect(message).to_contain_text("未读")
    message.click()
    phone.wait_for_url(call_page)
    expect(phone.locator("#call")).to_be_visible()
    expect(phone.locator(".nav-inbox .badge-count")).to_have_count(0)
