"""A voice note recorded in real headless Chromium with a fake microphone: the patient opens the
text consult, records for about two seconds, sends, and the thread plays it back from the
server (a WebM the header check accepted). CSRF is on, as in production."""

import re

import pytest

from consults.services import threads
from tcm_app.extensions import db
from tcm_app.services import payments, visit_fees
from tests.browser.pages import sign_in
from tests.chromium import ARGS, CHROMIUM
from tests.factories import PASSWORD, create_encounter


@pytest.fixture
def microphone_browser(playwright):
    args = [*ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    yield browser
    browser.close()


def test_patient_records_and_sends_a_voice_note(app, live_server, microphone_browser):
    encounter = create_encounter()
    fee = visit_fees.fee_of(encounter)
    payments.record_counter_payment(
        visit_fees.PURPOSE, encounter.id, encounter.patient_id, fee.amount,
        encounter.patient.user, "V1",
    )  # fmt: skip
    threads.open_thread(encounter, encounter.patient.user)
    encounter_id, username = encounter.id, encounter.patient.user.username
    db.session.commit()
    db.session.remove()  # release SQLite's lock before the browser's requests arrive

    phone = microphone_browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(phone, live_server, username, PASSWORD)
    phone.goto(f"{live_server}/consults/{encounter_id}/thread")
    record = phone.get_by_role("button", name="录一段语音")
    record.click()
    phone.get_by_role("button", name="停止录音").wait_for()
    phone.wait_for_timeout(2000)
    phone.get_by_role("button", name="停止录音").click()
    status = phone.locator("[data-voice-status]")
    status.filter(has_text=re.compile(r"已录音 \d+ 秒")).wait_for()
    with phone.expect_navigation():
        phone.get_by_role("button", name="发送").click()
    audio = phone.locator("ol.thread audio.thread-voice")
    assert audio.count() == 1
    source = audio.get_attribute("src")
    played = phone.request.get(f"{live_server}{source}")
    assert played.status == 200 and played.headers["content-type"].startswith("audio/webm")
    assert played.body()[:4] == b"\x1a\x45\xdf\xa3"
