"""The encounter page's prescription panel shows what the access rules allow (herbs/services/
access.py), never a rule of its own: the doctor sees the draft, the patient only signed ones, and
only the treating doctor gets the button to write one."""

import re

import pytest

from herbs.services import access, prescriptions
from tcm_app.extensions import db
from tests.factories import create_doctor, login, signed_prescription


def panel_links(html: str) -> list[str]:
    return re.findall(r'href="(/herbs/prescriptions/\d+)"', html)


def test_the_doctor_sees_the_draft_and_the_patient_does_not(app, client):
    signed = signed_prescription()
    encounter = signed.encounter
    draft = prescriptions.open_draft(encounter, encounter.doctor)
    db.session.commit()
    page = f"/encounters/{encounter.id}"
    login(client, encounter.doctor)
    doctor_sees = panel_links(client.get(page).get_data(as_text=True))
    assert f"/herbs/prescriptions/{draft.id}" in doctor_sees
    assert f"/herbs/prescriptions/{signed.id}" in doctor_sees
    client.get("/logout")
    login(client, encounter.patient.user)
    patient_sees = panel_links(client.get(page).get_data(as_text=True))
    assert patient_sees == [f"/herbs/prescriptions/{signed.id}"]


@pytest.mark.parametrize(
    "who, blockers, offered",
    [
        ("treating", [], True),
        ("treating", ["no_diagnosis"], False),
        ("other_doctor", [], False),
        ("patient", [], False),
    ],
    ids=[
        "the treating doctor, nothing blocking: offered",
        "the treating doctor while something blocks: not offered",
        "another doctor: not offered",
        "the patient: not offered",
    ],
)
def test_who_is_offered_to_write_a_prescription(app, who, blockers, offered):
    encounter = signed_prescription().encounter
    user = {
        "treating": encounter.doctor,
        "other_doctor": create_doctor(),
        "patient": encounter.patient.user,
    }[who]
    assert access.may_write_prescription(user, encounter, blockers) is offered


def test_the_treating_doctor_sees_the_button(app, client):
    encounter = signed_prescription().encounter
    login(client, encounter.doctor)
    assert "开具处方" in client.get(f"/encounters/{encounter.id}").get_data(as_text=True)
