"""Recording is off unless the hospital enables it and the patient consents on the page; then the
doctor's browser records the call and the file is kept with the encounter."""

import time

import pytest

from consults.models import ConsultRecording
from consults.services.recording import RECORDING_FOLDER, WEBM_MAGIC
from tcm_app.extensions import db
from tcm_app.services.demo import DEMO_PASSWORD
from tcm_app.services.storage import storage
from tests.browser.pages import sign_in
from tests.webrtc.calls import seed_demo_call, wait_frames


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True, "CONSULT_RECORDING_ENABLED": True}


def test_the_call_is_recorded_only_after_the_patient_consents(app, live_server, browser):
    encounter_id = seed_demo_call()
    doctor = browser.new_context().new_page()
    sign_in(doctor, live_server, "demo-doctor", DEMO_PASSWORD)
    doctor.goto(f"{live_server}/consults/{encounter_id}/call")
    patient = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(patient, live_server, "demo-patient", DEMO_PASSWORD)
    patient.goto(f"{live_server}/consults/{encounter_id}/call")
    wait_frames(doctor)
    time.sleep(3)
    assert db.session.scalar(db.select(db.func.count(ConsultRecording.id))) == 0  # no consent yet
    db.session.remove()

    patient.get_by_role("button", name="同意录制", exact=True).click()
    patient.wait_for_load_state()
    deadline = time.monotonic() + 20
    recording = None
    while time.monotonic() < deadline and recording is None:
        time.sleep(0.5)
        recording = db.session.scalar(
            db.select(ConsultRecording).where(ConsultRecording.size_bytes > 0)
        )
        db.session.remove()
    assert recording is not None, "no recording arrived"
    with app.test_request_context("/"):
        stored = storage().read(recording.storage_key, RECORDING_FOLDER)
        assert stored.startswith(WEBM_MAGIC)
