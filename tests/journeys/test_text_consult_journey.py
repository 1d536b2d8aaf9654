"""A follow-up held by messages (图文问诊, issue 19) as its people use it. The patient (phone)
opens the visit, is told to pay first, pays the fee, starts the text consult, sees by when the
doctor answers, writes and adds a tongue photo; the doctor (desktop) finds it on the workbench by
its deadline, answers; the patient reads the answer; the doctor closes the thread and no one
can write in it any more."""

import re

from tcm_app.extensions import db
from tests.factories import PASSWORD, create_doctor, create_encounter, create_patient, png_bytes
from tests.journeys.conftest import sign_in
from tests.journeys.test_prescription_journeys import click_and_wait


def test_patient_and_doctor_hold_a_follow_up_by_messages(app, live_server, person, watcher):
    doctor = create_doctor(username="text-doctor")
    patient = create_patient(name="王丽")
    encounter = create_encounter(patient=patient, doctor=doctor)
    names = (patient.user.username, doctor.username, encounter.id)
    db.session.commit()
    db.session.remove()
    patient_login, doctor_login, encounter_id = names

    phone = person("patient", phone=True)
    sign_in(phone, live_server, patient_login, PASSWORD)
    phone.locator(f"a[href='/encounters/{encounter_id}']").first.click()
    card = phone.locator("section", has=phone.get_by_role("heading", name="图文问诊"))
    assert "医生将在 24 小时内回复" in card.inner_text()
    click_and_wait(phone, card.get_by_role("button", name="开始图文问诊"))
    assert "请先支付诊查费" in phone.locator(".flash").inner_text()

    fee = phone.locator("section", has=phone.get_by_role("heading", name="诊查费"))
    fee.get_by_role("button", name=re.compile("支付诊查费")).click()
    phone.get_by_role("button", name="确认支付").click()
    phone.wait_for_url(re.compile(rf".*/encounters/{encounter_id}$"))
    card = phone.locator("section", has=phone.get_by_role("heading", name="图文问诊"))
    click_and_wait(phone, card.get_by_role("button", name="开始图文问诊"))
    assert "医生将在" in phone.locator(".thread-status").inner_text()
    assert "逾期未回复，诊查费将退还" in phone.locator(".thread-status").inner_text()

    phone.get_by_label("消息", exact=True).fill("服药一周，咳嗽减轻，仍有鼻塞。附舌象照片。")
    phone.get_by_label("照片（JPEG 或 PNG）").set_input_files(
        files=[{"name": "舌象.png", "mimeType": "image/png", "buffer": png_bytes(120, 90)}]
    )
    click_and_wait(phone, phone.get_by_role("button", name="发送"))
    thread = phone.locator("ol.thread")
    assert "仍有鼻塞" in thread.inner_text()
    assert thread.locator("img.thread-photo").count() == 1

    desk = person("doctor")
    sign_in(desk, live_server, doctor_login, PASSWORD)
    listed = desk.locator("section", has=desk.get_by_role("heading", name="图文问诊"))
    assert "请在" in listed.inner_text() and "前回复" in listed.inner_text()
    click_and_wait(desk, listed.get_by_role("link").first)
    assert desk.locator("ol.thread img.thread-photo").count() == 1
    desk.get_by_label("消息", exact=True).fill("舌淡红，苔薄白。原方再服五剂，忌生冷。")
    click_and_wait(desk, desk.get_by_role("button", name="发送"))
    assert "医生已于" in desk.locator(".thread-status").inner_text()

    phone.reload()
    assert "原方再服五剂" in phone.locator("ol.thread").inner_text()
    assert "医生已于" in phone.locator(".thread-status").inner_text()

    click_and_wait(desk, desk.get_by_role("button", name="结束图文问诊"))
    assert "图文问诊已结束。" in desk.locator(".flash").inner_text()
    assert "医生已结束" in desk.locator(".thread-status").inner_text()
    phone.reload()
    assert phone.get_by_role("button", name="发送").count() == 0
    assert "本次图文问诊已结束" in phone.locator(".thread-status").inner_text()
