"""A repeat prescription (续方) asked in a voice note (语音留言, issue 22): on her phone (390×844)
the patient opens her used prescription from 我的处方, attaches a short recording through the
续方 form's voice field as the page renders it (the file chosen, as on a phone without a
microphone the page may use; every target of the page 44 px or more, no sideways scroll at
200 %) instead of typing, and asks; the doctor opens the request from the workbench and finds on
its renewal card an audio player whose recording the server answers as audio/wav and Chromium
loads."""

from herbs.services import prescriptions
from tcm_app.extensions import db
from tests.a11y import measure
from tests.factories import PASSWORD, approved_prescription
from tests.journeys.conftest import PHONE, sign_in
from tests.journeys.test_outside_prescription_journey import menu_link
from tests.journeys.test_prescription_journeys import click_and_wait
from tests.journeys.test_voice_elsewhere_journey import plays, recording


def test_the_patient_asks_for_a_renewal_by_voice_and_the_doctor_plays_it(app, live_server, person):
    rx = approved_prescription()
    prescriptions.consume(rx, "order-voice-renewal")
    logins = (rx.encounter.patient.user.username, rx.encounter.doctor.username)
    patient_name = rx.encounter.patient.legal_name
    db.session.commit()
    db.session.remove()

    phone = person("patient", phone=True)
    sign_in(phone, live_server, logins[0], PASSWORD)
    click_and_wait(phone, menu_link(phone, "我的处方"))
    click_and_wait(phone, phone.locator("a.target-link", has_text=patient_name).first)
    renewal = phone.locator("section", has=phone.get_by_role("heading", name="续方"))
    counted, small = measure.small_targets(phone)  # the voice field is a finger's size too
    assert counted and small == []
    assert not measure.scrolls_sideways(measure.zoomed(phone, PHONE["viewport"]))
    renewal.get_by_label("或者录一段语音告诉医生").set_input_files(files=recording("近况.wav"))
    click_and_wait(phone, renewal.get_by_role("button", name="申请续方"))
    assert "已提交续方申请" in phone.locator(".flash").inner_text()
    plays(phone, "#renewal audio.renewal-voice")  # she hears what she sent

    desk = person("doctor")
    sign_in(desk, live_server, logins[1], PASSWORD)
    row = desk.get_by_role("row").filter(has_text=patient_name).filter(has_text="待接诊")
    click_and_wait(desk, row.get_by_role("link", name="打开"))
    card = desk.locator("#renewal")
    assert "见语音留言" in card.inner_text()
    src = card.locator("audio.renewal-voice").get_attribute("src")
    answer = desk.request.get(f"{live_server}{src}")
    assert answer.status == 200 and answer.headers["content-type"].startswith("audio/wav")
    plays(desk, "#renewal audio.renewal-voice")
