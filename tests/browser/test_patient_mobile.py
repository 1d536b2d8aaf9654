"""In a real headless Chromium on a phone-sized screen: a patient signs in, requests an online
follow-up, uploads the record of the prior diagnosis, and sees the visit waiting for the doctor.
CSRF protection is on, as in production."""

from tcm_app.extensions import db
from tests.factories import PASSWORD, create_doctor, create_patient, png_bytes


def test_patient_requests_followup_and_uploads_record_on_a_phone(
    app, live_server, phone_page, tmp_path
):
    create_doctor(username="dr-zhang")
    patient = create_patient(name="王丽")
    username = patient.user.username
    db.session.commit()
    db.session.remove()  # release SQLite's lock before the browser's requests arrive
    record = tmp_path / "门诊病历.png"
    record.write_bytes(png_bytes(300, 400))

    page = phone_page
    page.goto(f"{live_server}/login")
    assert "登录" in page.content()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server}/me")
    assert "我的就诊" in page.content()

    page.goto(f"{live_server}/me/visits/new")
    page.select_option("select[name=kind]", "online_followup")
    page.fill("textarea[name=chief_complaint]", "胃脘隐痛，服药后减轻，申请复诊续方")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server}/encounters/*")
    assert "在线复诊" in page.content()

    page.select_option("select[name=doc_type]", "outpatient_record")
    page.set_input_files("input[name=file]", str(record))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "门诊病历" in page.inner_text("body")
    assert "资料已上传" in page.content()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways on a phone"


def test_forged_form_without_csrf_token_is_refused(app, live_server, phone_page):
    """A cross-site POST (no token) must not sign anyone in or change anything."""
    patient = create_patient()
    username = patient.user.username
    db.session.commit()
    db.session.remove()
    page = phone_page
    response = page.request.post(
        f"{live_server}/login", form={"username": username, "password": PASSWORD}
    )
    assert response.status == 400
    assert "表单" in response.text()
