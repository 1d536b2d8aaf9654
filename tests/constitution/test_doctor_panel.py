"""The constitution card on the visit page (the treating doctor): the latest result with its
bars, the change since the previous one and the trend line, the forms to confirm, enrol and ask;
another doctor's visit is not found; a patient sees the card without the doctor's forms."""

import html

import pytest

from constitution.services import assessments
from tcm_app.extensions import db
from tests.constitution.helpers import ccmq, uniform_answers
from tests.factories import create_doctor, create_encounter, create_patient, login


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def submit(patient, value, **changed):
    draft = assessments.start(patient.user, patient, "ccmq")
    answers = {**uniform_answers(ccmq(), patient.sex, value), **changed}
    assessments.save_answers(draft, patient.user, answers, 1)
    assessments.submit(draft, patient.user)
    db.session.commit()


@pytest.fixture
def visit(app):
    doctor = create_doctor(username="dr-panel")
    patient = create_patient(sex="female")
    encounter = create_encounter(patient=patient, doctor=doctor)
    db.session.commit()
    submit(patient, 4)
    submit(patient, 2)
    return doctor, patient, encounter


def test_the_treating_doctor_sees_result_change_trend_and_forms(client, visit):
    doctor, _patient, encounter = visit
    login(client, doctor)
    page = text(client.get(f"/encounters/{encounter.id}"))
    card = page[page.index('id="constitution"') :]
    assert 'class="cq-bars"' in card and 'class="cq-trend"' in card
    assert "气虚质 75 → 25" in card
    assert "确认体质" in card and "纳入治未病调理计划" in card and "请患者做体质测评" in card


def test_the_patient_sees_the_card_without_the_doctors_forms(client, visit):
    _doctor, patient, encounter = visit
    login(client, patient.user)
    page = text(client.get(f"/encounters/{encounter.id}"))
    card = page[page.index('id="constitution"') :]
    assert 'class="cq-bars"' in card and "确认体质" not in card


def test_another_doctor_cannot_confirm_on_this_visit(client, visit):
    _doctor, _patient, encounter = visit
    other = create_doctor(username="dr-elsewhere")
    db.session.commit()
    login(client, other)
    refused = client.post(
        f"/constitution/encounters/{encounter.id}/confirm", data={"primary": ["qixu"]}
    )
    assert refused.status_code == 404
