"""The text consult page through the client: an empty message is refused next to its field
(nothing kept), a message of someone else's visit is not found, the doctor's close button is
the doctor's only."""

import html

import pytest

from consults.services import threads
from tcm_app.extensions import db
from tcm_app.services import payments, visit_fees
from tests.factories import create_doctor, create_encounter, create_patient, login


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def opened(app):
    doctor = create_doctor(username="dr-page")
    patient = create_patient(sex="female")
    encounter = create_encounter(patient=patient, doctor=doctor)
    fee = visit_fees.fee_of(encounter)
    payments.record_counter_payment(
        visit_fees.PURPOSE, encounter.id, patient.id, fee.amount, patient.user, "P1"
    )
    threads.open_thread(encounter, patient.user)
    db.session.commit()
    return doctor, patient, encounter


def test_an_empty_message_is_refused_next_to_its_field(client, opened):
    _doctor, patient, encounter = opened
    login(client, patient.user)
    refused = client.post(f"/consults/{encounter.id}/thread", data={"text": "   "})
    assert refused.status_code == 422
    page = text(refused)
    assert 'class="field-error"' in page and "请填写消息或添加照片。" in page
    assert threads.messages(encounter) == []


def test_someone_elses_thread_is_not_found(client, opened):
    _doctor, _patient, encounter = opened
    stranger = create_patient(sex="male", name="李雷")
    db.session.commit()
    login(client, stranger.user)
    assert client.get(f"/consults/{encounter.id}/thread").status_code == 404
    assert client.post(f"/consults/{encounter.id}/thread", data={"text": "hi"}).status_code == 404


def test_only_the_doctor_sees_the_close_button(client, opened):
    doctor, patient, encounter = opened
    login(client, patient.user)
    assert "结束图文问诊" not in text(client.get(f"/consults/{encounter.id}/thread"))
    client.post("/logout")
    login(client, doctor)
    assert "结束图文问诊" in text(client.get(f"/consults/{encounter.id}/thread"))


def test_the_page_title_is_plain_text(client, opened):
    _doctor, patient, encounter = opened
    login(client, patient.user)
    page = client.get(f"/consults/{encounter.id}/thread").get_data(as_text=True)
    title = page[page.index("<title>") + 7 : page.index("</title>")]
    assert title.startswith("图文问诊 · ") and "<" not in title
    assert page.count("voice-note.js") == 1
