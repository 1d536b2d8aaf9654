"""A patient on her phone picks a picture far too large (a decompression bomb: 875 KB on disk,
30000×30000 pixels): the visit page's document form and the tongue page both refuse it at once
and say in Chinese, next to the file, how large it is and how large a picture may be. Nothing is
stored; the page stays usable."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from consults.models import ChatMessage
from tcm_app.extensions import db
from tcm_app.models.encounters import ClinicalDocument
from tests.factories import (
    PASSWORD,
    create_doctor,
    create_encounter,
    create_patient,
    create_prescribable_encounter,
)
from tests.journeys.conftest import sign_in
from tests.security.test_image_bombs import zero_png


def test_a_picture_too_large_is_refused_next_to_the_file(
    app, live_server, person, watcher, tmp_path
):
    bomb = tmp_path / "scan.png"
    bomb.write_bytes(zero_png(30000, 30000))
    patient = create_patient(name="赵敏")
    encounter = create_encounter(patient=patient, doctor=create_doctor(username="dr-bomb"))
    patient_login, encounter_id = patient.user.username, encounter.id
    db.session.commit()
    db.session.remove()
    watcher.expect("status of 422")  # the refused upload's answer, as the browser logs it

    phone = person("patient", phone=True)
    sign_in(phone, live_server, patient_login, PASSWORD)
    phone.get_by_role("link", name=re.compile("在线复诊")).first.click()
    phone.get_by_label("资料类型").select_option(label="门诊病历")
    phone.get_by_label("文件（PDF、JPEG 或 PNG）").set_input_files(str(bomb))
    with phone.expect_navigation():
        phone.get_by_role("button", name="上传").click()
    error = phone.locator("#doc-file-error")
    assert "图片过大" in error.inner_text() and "30000×30000" in error.inner_text()
    assert "12000" in error.inner_text()
    field = phone.get_by_label("文件（PDF、JPEG 或 PNG）")
    assert field.get_attribute("aria-invalid") == "true"

    phone.goto(f"{live_server}/encounters/{encounter_id}")
    phone.get_by_role("link", name="拍摄舌象").click()
    phone.get_by_label("或从相册选择照片").set_input_files(str(bomb))
    with phone.expect_response(lambda r: r.request.method == "POST") as sent:
        phone.get_by_role("button", name="发送照片").click()
    assert sent.value.status == 422
    result = phone.locator("#tongue-result")
    phone.wait_for_function("document.querySelector('#tongue-result').textContent.includes('图片')")
    assert "图片过大" in result.inner_text() and "30000×30000" in result.inner_text()

    assert db.session.scalar(sa.select(sa.func.count(ClinicalDocument.id))) == 0


def test_a_picture_too_large_for_the_consult_chat_is_refused_in_the_call(
    app, live_server, person, watcher, tmp_path
):
    """In the call, the patient sends a picture through the chat: she reads why it was not sent."""
    bomb = tmp_path / "photo.png"
    bomb.write_bytes(zero_png(30000, 30000))
    encounter = create_prescribable_encounter()
    patient_login, encounter_id = encounter.patient.user.username, encounter.id
    db.session.commit()
    db.session.remove()
    watcher.expect("status of 422")

    phone = person("patient", phone=True)
    sign_in(phone, live_server, patient_login, PASSWORD)
    phone.goto(f"{live_server}/consults/{encounter_id}/call")
    phone.locator("#chat-image").set_input_files(str(bomb))
    phone.locator("#chat-form").get_by_role("button", name="发送").click()
    state = phone.locator("#chat-state")
    expect(state).to_contain_text("图片过大：30000×30000 像素")
    assert phone.locator("#chat-image").input_value().endswith("photo.png")  # still chosen
    assert db.session.scalar(sa.select(sa.func.count(ChatMessage.id))) == 0
