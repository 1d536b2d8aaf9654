"""The constitution API: the scales, submitting a whole questionnaire (each unusable answer named),
reading assessments (your own and your wards'; a doctor's patients'; nobody else's)."""

import pytest

from tcm_app.extensions import db
from tests.constitution.helpers import ccmq, uniform_answers
from tests.factories import bearer, create_child, create_doctor, create_encounter, create_patient


@pytest.fixture
def patient(app):
    patient = create_patient(sex="female")
    db.session.commit()
    return patient


def test_the_scales_are_listed_and_one_has_its_questions(client, patient):
    headers = bearer(patient.user)
    listed = client.get("/api/v1/constitution/scales", headers=headers).get_json()["items"]
    assert [s["code"] for s in listed] == ["ccmq", "elderly"]
    scale = client.get("/api/v1/constitution/scales/ccmq", headers=headers).get_json()
    assert len(scale["items"]) == 61 and len(scale["subscales"]) == 9
    assert scale["items"][0]["choices"][0] == {"value": 1, "label": "没有（根本不）",
                                               "label_en": "Never (not at all)"}  # fmt: skip
    assert client.get("/api/v1/constitution/scales/nope", headers=headers).status_code == 404


def test_a_whole_questionnaire_is_scored_and_kept(client, patient):
    answers = uniform_answers(ccmq(), "female", 1)
    response = client.post(
        "/api/v1/constitution/assessments", json={"answers": answers}, headers=bearer(patient.user)
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["scale"] == "ccmq" and body["primary"] == ["pinghe"]
    assert body["verdicts"]["pinghe"] == "yes" and body["scores"]["qixu"] == 0
    mine = client.get("/api/v1/constitution/assessments", headers=bearer(patient.user))
    assert [a["id"] for a in mine.get_json()["items"]] == [body["id"]]


def test_unusable_answers_are_each_named(client, patient):
    answers = uniform_answers(ccmq(), "female", 2)
    del answers["qiyu_3"]
    answers["yinxu_1"] = 7
    answers["shire_7"] = 1
    response = client.post(
        "/api/v1/constitution/assessments", json={"answers": answers}, headers=bearer(patient.user)
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "bad_answers"
    assert error["fields"] == {
        "qiyu_3": ["missing"], "yinxu_1": ["out_of_range"], "shire_7": ["not_asked"],
    }  # fmt: skip
    assert error["message"]


def test_a_guardian_submits_for_a_ward_but_not_for_a_stranger(client, patient):
    child = create_child(patient, years=12)
    stranger = create_patient(sex="male", name="李雷")
    db.session.commit()
    answers = uniform_answers(ccmq(), "male", 2)
    ok = client.post(
        "/api/v1/constitution/assessments",
        json={"patient_id": child.id, "answers": answers},
        headers=bearer(patient.user),
    )
    assert ok.status_code == 201 and ok.get_json()["patient_id"] == child.id
    refused = client.post(
        "/api/v1/constitution/assessments",
        json={"patient_id": stranger.id, "answers": answers},
        headers=bearer(patient.user),
    )
    assert refused.status_code == 404


def test_the_treating_doctor_reads_it_another_doctor_does_not(client, patient):
    treating, other = create_doctor(username="dr-treat"), create_doctor(username="dr-other")
    create_encounter(patient=patient, doctor=treating)
    db.session.commit()
    created = client.post(
        "/api/v1/constitution/assessments",
        json={"answers": uniform_answers(ccmq(), "female", 3)},
        headers=bearer(patient.user),
    ).get_json()
    url = f"/api/v1/constitution/assessments/{created['id']}"
    assert client.get(url, headers=bearer(treating)).status_code == 200
    assert client.get(url, headers=bearer(other)).status_code == 404
