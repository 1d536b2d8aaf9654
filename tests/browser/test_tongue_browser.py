"""In real headless Chromium with a fake camera that films a synthetic tongue: the patient opens
the guided camera, sees live hints, takes the photo and gets the quality verdict; the doctor
drags a point of the outline and confirms the observation. CSRF is on, as in production."""

import cv2
import numpy as np
import pytest
import sqlalchemy as sa

from diagnosis.models import TongueImage, TongueObservation
from tcm_app.extensions import db
from tests.browser.pages import sign_in
from tests.chromium import ARGS, CHROMIUM
from tests.diagnosis.conftest import synthetic_photo
from tests.factories import PASSWORD, create_encounter


def write_y4m(path, image: np.ndarray, frames: int = 10) -> None:
    """A Y4M clip (what Chromium's fake camera plays) showing one still image."""
    height, width = image.shape[:2]
    planes = cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420).tobytes()
    with open(path, "wb") as handle:
        handle.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            handle.write(b"FRAME\n" + planes)


@pytest.fixture
def camera_browser(playwright, tmp_path):
    clip = tmp_path / "tongue.y4m"
    image, _mask = synthetic_photo(size=(480, 640), centre=(240, 380), axes=(120, 160))
    write_y4m(clip, image)
    args = [
        *ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
    ]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    yield browser
    browser.close()


def test_patient_captures_and_doctor_confirms(app, live_server, camera_browser):
    encounter = create_encounter()
    encounter_id = encounter.id
    patient_name, doctor_name = encounter.patient.user.username, encounter.doctor.username
    db.session.commit()
    db.session.remove()  # release SQLite's lock before the browser's requests arrive

    phone = camera_browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(phone, live_server, patient_name, PASSWORD)
    phone.goto(f"{live_server}/diagnosis/encounters/{encounter_id}/tongue")
    phone.click("#tongue-start")
    phone.wait_for_selector("#tongue-hint[data-verdict]")
    assert phone.inner_text("#tongue-hint").strip()
    phone.click("#tongue-shutter")
    phone.wait_for_selector("#tongue-result[data-status]:not([data-status=received])")
    assert phone.get_attribute("#tongue-result", "data-status") in {"analysed", "quality_failed"}
    phone.wait_for_selector(".tongue-item")  # the page reloads with the photo listed
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the capture page scrolls sideways on a phone"
    image = db.session.scalar(sa.select(TongueImage))
    assert image.source == "camera" and image.width >= 320
    image_id = image.id
    db.session.remove()

    desk = camera_browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(desk, live_server, doctor_name, PASSWORD)
    desk.goto(f"{live_server}/diagnosis/tongue/{image_id}")
    if desk.locator("#tongue-figure circle").count() == 0:
        # No outline was found: the doctor draws one by confirming with a typed outline.
        desk.evaluate(
            "document.querySelector('#observation-form input[name=outline]').value ="
            " '[[0.3,0.4],[0.7,0.4],[0.5,0.9]]'"
        )
    else:
        point = desk.locator("#tongue-figure circle").first.bounding_box()
        desk.mouse.move(point["x"] + 4, point["y"] + 4)
        desk.mouse.down()
        desk.mouse.move(point["x"] + 30, point["y"] + 25, steps=5)
        desk.mouse.up()
    desk.select_option("select[name=tongue_colour]", "red")
    desk.select_option("select[name=coating_colour]", "white")
    desk.select_option("select[name=coating_thickness]", "thin")
    desk.click("#observation-form button[type=submit]")
    desk.wait_for_selector(".facts")
    assert "舌象观察已记录" in desk.content()
    observation = db.session.scalar(sa.select(TongueObservation))
    assert observation.tongue_colour == "red" and observation.outline_corrected
    assert db.session.get(TongueImage, image_id).status == "confirmed"
