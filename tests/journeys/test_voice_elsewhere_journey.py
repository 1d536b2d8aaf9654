"""Voice notes where a patient would otherwise type (语音留言, issue 22): on her phone (390×844)
the patient attaches a short recording through the voice field as the page renders it (the file
chosen, as on a phone without a microphone the page may use) and sends; the staff member who
reads it opens their page and finds an audio player whose recording loads (metadata read).
Four places: the answer to the pharmacist's question about an outside prescription, a
complaint said instead of written, an adverse reaction report, the chief complaint of a visit
request."""

from external_rx.services import review
from tcm_app.extensions import db
from tcm_app.services.clock import clinic_today
from tests.factories import PASSWORD, create_doctor, create_patient, create_pharmacist
from tests.followup.helpers import visit_with_prescription
from tests.journeys.conftest import sign_in
from tests.journeys.test_outside_prescription_journey import menu_link, sent_for_review
from tests.journeys.test_prescription_journeys import click_and_wait
from tests.quality.helpers import quality_officer
from tests.voice_samples import tagged_wav


def recording(name="语音.wav"):
    return [{"name": name, "mimeType": "audio/wav", "buffer": tagged_wav()}]


def plays(page, selector: str) -> None:
    """One audio player on the page, and the server's answer is a recording Chromium reads."""
    audio = page.locator(selector)
    assert audio.count() == 1
    loaded = audio.evaluate(
        """audio => new Promise((done, failed) => {
            audio.addEventListener('loadedmetadata', () => done(audio.readyState), {once: true});
            audio.addEventListener('error', () => failed(String(audio.error && audio.error.code)));
            audio.preload = 'metadata';
            audio.load();
        })"""
    )
    assert loaded >= 1  # HAVE_METADATA


def test_the_patient_answers_the_pharmacist_by_voice(app, live_server, person):
    patient = create_patient(name="钱芳")
    pharmacist = create_pharmacist(username="voice-ph")
    submission = sent_for_review(patient)
    review.ask(submission, pharmacist, "处方笺第二味药字迹不清，是干姜还是生姜？")
    logins = (patient.user.username, pharmacist.username)
    db.session.commit()
    db.session.remove()

    phone = person("patient", phone=True)
    sign_in(phone, live_server, logins[0], PASSWORD)
    click_and_wait(phone, menu_link(phone, "拍方抓药"))
    click_and_wait(phone, phone.get_by_role("link", name="北京市东城区中医医院"))
    phone.get_by_label("或者改为录一段语音").set_input_files(files=recording())
    click_and_wait(phone, phone.get_by_role("button", name="发送答复"))
    assert "回答已发送" in phone.locator(".flash").inner_text()

    desk = person("pharmacist")
    sign_in(desk, live_server, logins[1], PASSWORD)
    click_and_wait(desk, menu_link(desk, "拍方抓药"))
    click_and_wait(desk, desk.get_by_role("row").filter(has_text="钱芳").get_by_role("link"))
    plays(desk, ".ext-thread audio.ext-voice")


def test_the_patient_says_her_complaint_and_the_quality_office_plays_it(app, live_server, person):
    patient = create_patient(name="孙梅")
    officer = quality_officer(username="voice-qc")
    logins = (patient.user.username, officer.username)
    db.session.commit()
    db.session.remove()

    phone = person("patient", phone=True)
    sign_in(phone, live_server, logins[0], PASSWORD)
    click_and_wait(phone, menu_link(phone, "我的评价"))
    click_and_wait(phone, phone.get_by_role("link", name="我要投诉"))
    phone.get_by_label("或者改为录一段语音").set_input_files(files=recording())
    click_and_wait(phone, phone.get_by_role("button", name="提交投诉"))
    assert "投诉已提交" in phone.locator(".flash").inner_text()

    office = person("quality")
    sign_in(office, live_server, logins[1], PASSWORD)
    complaints = office.locator("section", has=office.get_by_role("heading", name="待答复的投诉"))
    click_and_wait(office, complaints.get_by_role("link", name="语音留言"))
    plays(office, "audio.quality-voice")


def test_the_patient_adds_a_voice_note_to_a_reaction_report(app, live_server, person):
    encounter, rx = visit_with_prescription()
    logins = (encounter.patient.user.username, rx.reviewed_by.username)
    patient_name = encounter.patient.legal_name
    db.session.commit()
    db.session.remove()

    phone = person("patient", phone=True)
    sign_in(phone, live_server, logins[0], PASSWORD)
    click_and_wait(phone, menu_link(phone, "我的随访"))
    click_and_wait(phone, phone.get_by_role("link", name="报告不良反应"))
    click_and_wait(phone, phone.locator("a.item-link").first)
    phone.get_by_label("开始出现的日期").fill(clinic_today().isoformat())
    phone.get_by_text("轻度", exact=True).click()
    phone.get_by_label("发生了什么（症状、时间、已采取的处理）").fill("服药第二天起大便偏稀")
    phone.get_by_label("也可以再录一段语音说明（可不录）").set_input_files(files=recording())
    click_and_wait(phone, phone.get_by_role("button", name="提交报告"))
    assert "待药师评价" in phone.locator("main").inner_text()

    desk = person("pharmacist")
    sign_in(desk, live_server, logins[1], PASSWORD)
    click_and_wait(desk, menu_link(desk, "不良反应"))
    click_and_wait(desk, desk.locator("a.item-link", has_text=patient_name))
    plays(desk, "audio.fu-voice")


def test_the_patient_says_what_troubles_her_and_the_doctor_plays_it(app, live_server, person):
    patient = create_patient(name="周兰")
    doctor = create_doctor(online=True, username="voice-dr")
    logins = (patient.user.username, doctor.username)
    db.session.commit()
    db.session.remove()

    phone = person("patient", phone=True)
    sign_in(phone, live_server, logins[0], PASSWORD)
    click_and_wait(phone, phone.get_by_role("link", name="申请就诊").first)
    phone.get_by_label("就诊类型").select_option(label="在线复诊")
    phone.get_by_label("主要不适（主诉）").fill("胃脘隐痛三月，请求复诊")
    phone.get_by_label("也可以再录一段语音说明（可不录）").set_input_files(files=recording())
    click_and_wait(phone, phone.get_by_role("button", name="提交申请"))
    assert "就诊申请已提交" in phone.locator(".flash").inner_text()

    desk = person("doctor")
    sign_in(desk, live_server, logins[1], PASSWORD)
    click_and_wait(
        desk, desk.get_by_role("row").filter(has_text="周兰").get_by_role("link", name="打开")
    )
    plays(desk, "audio.complaint-voice")
