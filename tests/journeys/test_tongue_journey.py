"""A tongue photo from the gallery, as the patient sends it on her phone: from her visit to its
tongue page, a photo chosen with the gallery file input, sent, received and judged (the verdict is
shown and stays listed); the doctor opens it from the visit page. The photo is synthetic (built in
code, as in tests/diagnosis): no real patient's photo is ever used in tests."""

import re

import cv2

from tcm_app.extensions import db
from tests.diagnosis.conftest import synthetic_photo
from tests.factories import PASSWORD, create_doctor, create_encounter, create_patient
from tests.journeys.conftest import sign_in

VERDICTS = ("照片合格，等待医生查看", "请重新拍摄")


def test_patient_sends_a_tongue_photo_from_the_gallery(app, live_server, person, watcher, tmp_path):
    photo = tmp_path / "tongue.jpg"
    image, _mask = synthetic_photo(size=(960, 1280), centre=(480, 700), axes=(220, 300))
    cv2.imwrite(str(photo), image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    patient = create_patient(name="王丽")
    encounter = create_encounter(patient=patient, doctor=create_doctor(username="dr-tongue"))
    patient_login, encounter_id = patient.user.username, encounter.id
    db.session.commit()
    db.session.remove()

    phone = person("patient", phone=True)
    sign_in(phone, live_server, patient_login, PASSWORD)
    phone.get_by_role("link", name=re.compile("在线复诊")).first.click()
    phone.get_by_role("link", name="拍摄舌象").click()
    phone.get_by_label("或从相册选择照片").set_input_files(str(photo))
    phone.get_by_role("button", name="发送照片").click()
    result = phone.locator("#tongue-result[data-status]")
    # The upload answers once the photo is checked in-process (Celery eager here): on a busy
    # 2-core machine running the whole suite that once took over the default 15 s.
    result.wait_for(timeout=60_000)
    assert result.inner_text().strip()  # received (checking), or the verdict at once
    phone.wait_for_selector("#tongue-result[data-status]:not([data-status=received])")
    verdict = phone.locator("#tongue-result").inner_text()
    assert any(v in verdict for v in VERDICTS), verdict
    phone.wait_for_selector(".tongue-item")  # the page reloads with the photo listed
    listed = phone.locator(".tongue-item").first.inner_text()
    assert any(v in listed for v in VERDICTS) and "相册" in listed
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the tongue page scrolls sideways on a phone"

    desk = person("doctor")
    sign_in(desk, live_server, "dr-tongue", PASSWORD)
    desk.locator(f"a[href='/encounters/{encounter_id}']").first.click()
    desk.get_by_role("link", name="舌象照片（1）").click()
    desk.locator(".tongue-item").get_by_role("link", name="审核").click()
    desk.wait_for_url(re.compile(r"/diagnosis/tongue/\d+$"))
    assert "王丽" in desk.get_by_role("heading", level=1).inner_text()
    assert desk.locator("img[src*='/photo']").evaluate("img => img.naturalWidth") > 0
