"""A repeat prescription (续方, issue 19) as its people use it. The patient (phone) opens a
dispensed prescription, says how they are and asks for a renewal; on the visit it opened they
upload the record of their in-person diagnosis. The doctor (desktop) finds the visit on the
workbench, sees the earlier prescription and the update, decides eligibility and diagnoses as for
any follow-up, renews it into a new draft with the same herbs and signs it anew; the patient's
first prescription page then says a renewal is no longer needed while the new one waits."""

import re

from herbs.services import prescriptions
from tcm_app.extensions import db
from tests.factories import PASSWORD, SIGNING_PASSWORD, approved_prescription, png_bytes
from tests.journeys.conftest import sign_in
from tests.journeys.test_prescription_journeys import click_and_wait, doctor_examines_and_diagnoses


def test_patient_asks_to_renew_and_the_doctor_renews_it(app, live_server, person):
    rx = approved_prescription()
    prescriptions.consume(rx, "order-journey")
    herbs = [line.written_name for line in rx.lines]
    names = (rx.encounter.patient.user.username, rx.encounter.doctor.username, rx.id)
    patient_name = rx.encounter.patient.legal_name
    db.session.commit()
    db.session.remove()
    patient_login, doctor_login, rx_id = names

    phone = person("patient", phone=True)
    sign_in(phone, live_server, patient_login, PASSWORD)
    phone.goto(f"{live_server}/herbs/prescriptions/{rx_id}")
    renewal = phone.locator("section", has=phone.get_by_role("heading", name="续方"))
    renewal.get_by_label("上次用药后情况如何？").fill("胃痛明显减轻，偶有反酸，无不适反应")
    click_and_wait(phone, renewal.get_by_role("button", name="申请续方"))
    assert "已提交续方申请" in phone.locator(".flash").inner_text()
    assert re.search(r"/encounters/\d+$", phone.url)
    phone.get_by_label("资料类型").select_option(label="出院小结")
    phone.get_by_label("文件（PDF、JPEG 或 PNG）").set_input_files(
        files=[{"name": "出院小结.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    click_and_wait(phone, phone.get_by_role("button", name="上传", exact=True))

    desk = person("doctor")
    sign_in(desk, live_server, doctor_login, PASSWORD)
    row = desk.get_by_role("row").filter(has_text=patient_name).filter(has_text="待接诊")
    click_and_wait(desk, row.get_by_role("link", name="打开"))
    card = desk.locator("#renewal")
    assert "胃痛明显减轻" in card.inner_text()
    assert all(herb in card.inner_text() for herb in herbs)
    doctor_examines_and_diagnoses(desk)
    click_and_wait(
        desk, desk.locator("#renewal").get_by_role("button", name="续方（生成待签名的新草稿）")
    )
    assert [
        desk.locator("input.herb-name").nth(i).input_value() for i in range(len(herbs))
    ] == herbs
    desk.get_by_label("签名密码").fill(SIGNING_PASSWORD)
    click_and_wait(desk, desk.get_by_role("button", name="本人签名"))
    desk.locator(".badges").get_by_text("待药师审核").wait_for()

    phone.goto(f"{live_server}/herbs/prescriptions/{rx_id}")
    renewal = phone.locator("section", has=phone.get_by_role("heading", name="续方"))
    assert renewal.get_by_role("button", name="申请续方").count() == 1  # decided: may ask again
