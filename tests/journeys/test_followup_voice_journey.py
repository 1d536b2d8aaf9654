"""A voice note instead of typing (语音留言) in a follow-up questionnaire: on her phone (390×844,
Chromium's fake microphone) the patient answers the day-3 questionnaire, records about two
seconds instead of writing and sends; the doctor (desk) opens the plan and plays it: the audio
element has a source, and the recording loads (metadata read, a duration)."""

import re
from datetime import timedelta

import pytest

from followup.services import plans
from tcm_app.extensions import db
from tcm_app.services.clock import clinic_today
from tests.chromium import ARGS, CHROMIUM
from tests.factories import PASSWORD
from tests.followup.helpers import visit_with_prescription
from tests.journeys.conftest import sign_in
from tests.journeys.test_followup_journey import WORSE, menu_link
from tests.journeys.test_prescription_journeys import click_and_wait


@pytest.fixture
def browser(playwright):
    """The journeys' browser with a fake microphone that the page may use without asking."""
    args = [*ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    yield launched
    launched.close()


def plan_due_today():
    encounter, rx = visit_with_prescription()
    plan = plans.create_plan(
        encounter.doctor, encounter, template_code="herbal_course", tasks=[],
        start_on=clinic_today() - timedelta(days=3), prescription_id=rx.id,
    )  # fmt: skip
    db.session.commit()
    found = plan.id, encounter.patient.user.username, encounter.doctor.username
    db.session.remove()  # release SQLite's lock before the browser's requests arrive
    return found


def test_the_patient_says_it_in_a_voice_note_and_the_doctor_plays_it(app, live_server, person):
    plan_id, patient_login, doctor_login = plan_due_today()

    phone = person("patient", phone=True)
    phone.context.grant_permissions(["microphone"])
    sign_in(phone, live_server, patient_login, PASSWORD)
    click_and_wait(phone, menu_link(phone, "我的随访"))
    click_and_wait(phone, phone.get_by_role("link", name="立即填写"))
    for question, answer in WORSE.items():
        phone.locator("fieldset.question", has_text=question).get_by_text(
            answer, exact=True
        ).click()
    phone.get_by_role("button", name="录一段语音", exact=True).click()
    stop = phone.get_by_role("button", name="停止录音")
    stop.wait_for()
    phone.wait_for_timeout(2000)  # about two seconds of the fake microphone's tone
    stop.click()
    phone.locator("[data-voice-status]").filter(has_text=re.compile(r"已录音 \d+ 秒")).wait_for()
    click_and_wait(phone, phone.get_by_role("button", name="提交回答"))
    assert "谢谢，您的回答已送达医生。" in phone.locator(".flash").inner_text()

    desk = person("doctor")
    sign_in(desk, live_server, doctor_login, PASSWORD)
    desk.goto(f"{live_server}/followup/plans/{plan_id}")
    audio = desk.locator("audio.fu-voice")
    assert audio.count() == 1
    assert re.fullmatch(r"/followup/tasks/\d+/voice", audio.get_attribute("src"))
    loaded = audio.evaluate(
        """audio => new Promise((done, failed) => {
            audio.addEventListener('loadedmetadata', () => done(audio.readyState), {once: true});
            audio.addEventListener('error', () => failed(String(audio.error && audio.error.code)));
            audio.preload = 'metadata';
            audio.load();
        })"""
    )
    assert loaded >= 1  # HAVE_METADATA: the server answered with a recording Chromium reads
