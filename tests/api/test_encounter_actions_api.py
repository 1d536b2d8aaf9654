"""The treating doctor's actions through the API, and the prescribing blockers they move."""

import pytest

from tcm_app.extensions import db
from tcm_app.models.encounters import Encounter
from tests.api.helpers import api_error, forget_uncommitted, issue, upload, url
from tests.factories import create_doctor, create_encounter

# Every change the treating doctor can make to a visit, with a body that would be accepted.
DOCTOR_ACTIONS = [
    ("post", "eligibility", {"decision": "not_eligible", "reason": "病历不符"}),
    ("put", "notes", {"inquiry_note": "纳差"}),
    ("post", "diagnoses", {"disease_name": "胃痛", "syndrome_name": "脾胃虚寒证"}),
    ("post", "termination", {"reason": "condition_changed", "note": "请线下就诊"}),
    ("post", "start", {}),
    ("post", "complete", {}),
]


def read(client, headers, encounter) -> dict:
    response = client.get(url(encounter), headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def decide(client, headers, encounter, decision="eligible", **body):
    return client.post(
        url(encounter, "eligibility"), headers=headers, json={"decision": decision, **body}
    )


def terminate(
    client, headers, encounter, reason="first_visit", note="首诊患者，请到门诊面诊。", **body
):
    return client.post(
        url(encounter, "termination"),
        headers=headers,
        json={"reason": reason, "note": note, **body},
    )


def diagnose(client, headers, encounter, **body):
    payload = {"disease_name": "胃痛", "syndrome_name": "脾胃虚寒证", **body}
    return client.post(url(encounter, "diagnoses"), headers=headers, json=payload)


def attach_document(client, patient_headers, encounter):
    response = upload(client, patient_headers, encounter.id)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


# --- the prescribing gate -------------------------------------------------------------------------


def test_new_followup_is_blocked_for_missing_document_and_undecided_eligibility(
    app, client, encounter, doctor_headers
):
    assert read(client, doctor_headers, encounter)["prescribing_blockers"] == [
        "no_prior_diagnosis_document",
        "eligibility_undecided",
    ]


def test_eligible_needs_a_prior_diagnosis_document(app, client, encounter, doctor_headers):
    api_error(decide(client, doctor_headers, encounter), 422, "no_prior_diagnosis_document")
    body = read(client, doctor_headers, encounter)
    assert body["eligibility"] == "undecided"
    assert "eligibility_undecided" in body["prescribing_blockers"]


def test_document_then_eligible_clears_every_blocker(
    app, client, encounter, doctor_headers, patient_headers
):
    after_upload = attach_document(client, patient_headers, encounter)
    assert after_upload["prescribing_blockers"] == ["eligibility_undecided"]

    response = decide(client, doctor_headers, encounter)

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["eligibility"] == "eligible"
    assert body["prescribing_blockers"] == []
    assert read(client, patient_headers, encounter)["prescribing_blockers"] == []


def test_not_eligible_needs_a_reason(app, client, encounter, doctor_headers):
    error = api_error(
        decide(client, doctor_headers, encounter, "not_eligible"), 422, "reason_required"
    )
    assert "reason" in error.get("fields", {})
    api_error(
        decide(client, doctor_headers, encounter, "not_eligible", reason="   "),
        422,
        "reason_required",
    )


def test_not_eligible_with_a_reason_blocks_prescribing(app, client, encounter, doctor_headers):
    response = decide(client, doctor_headers, encounter, "not_eligible", reason="无既往明确诊断")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["eligibility"] == "not_eligible"
    assert body["eligibility_reason"] == "无既往明确诊断"
    assert "not_eligible" in body["prescribing_blockers"]
    assert "eligibility_undecided" not in body["prescribing_blockers"]


@pytest.mark.parametrize("decision", ["undecided", "maybe", ""])
def test_eligibility_decision_must_be_eligible_or_not(
    app, client, encounter, doctor_headers, decision
):
    error = api_error(decide(client, doctor_headers, encounter, decision), 422)
    assert "decision" in error.get("fields", {})


def test_consultation_cannot_be_declared_eligible(app, client, doctor, doctor_headers):
    consultation = create_encounter(doctor=doctor, kind="online_consultation")
    db.session.commit()
    assert (
        "consultation_cannot_prescribe"
        in read(client, doctor_headers, consultation)["prescribing_blockers"]
    )
    api_error(
        decide(client, doctor_headers, consultation, "not_eligible", reason="咨询"),
        422,
        "not_a_followup",
    )


def test_termination_closes_the_encounter_and_locks_prescribing(
    app, client, encounter, doctor_headers, patient_headers
):
    attach_document(client, patient_headers, encounter)
    decide(client, doctor_headers, encounter)

    response = terminate(client, doctor_headers, encounter)

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "terminated"
    assert body["termination_reason"] == "first_visit"
    assert body["termination_note"] == "首诊患者，请到门诊面诊。"
    assert "encounter_not_open" in body["prescribing_blockers"]
    assert read(client, patient_headers, encounter)["status"] == "terminated"


def test_termination_needs_a_note(app, client, encounter, doctor_headers):
    error = api_error(terminate(client, doctor_headers, encounter, note=""), 422)
    assert "note" in error.get("fields", {})
    assert read(client, doctor_headers, encounter)["status"] == "requested"


def test_termination_reason_must_be_known(app, client, encounter, doctor_headers):
    error = api_error(terminate(client, doctor_headers, encounter, reason="bored"), 422)
    assert "reason" in error.get("fields", {})


@pytest.mark.parametrize(("method", "action", "body"), DOCTOR_ACTIONS)
def test_terminated_encounter_refuses_further_changes(
    app, client, encounter, doctor_headers, method, action, body
):
    assert terminate(client, doctor_headers, encounter).status_code == 200
    before = read(client, doctor_headers, encounter)

    response = getattr(client, method)(url(encounter, action), headers=doctor_headers, json=body)

    api_error(response, 409, "encounter_closed")
    after = read(client, doctor_headers, encounter)
    assert after == before


def test_terminated_encounter_refuses_new_documents(
    app, client, encounter, doctor_headers, patient_headers
):
    terminate(client, doctor_headers, encounter)
    api_error(upload(client, patient_headers, encounter.id), 409, "encounter_closed")


def test_stale_version_is_refused(app, client, encounter, doctor_headers):
    version = read(client, doctor_headers, encounter)["version"]
    response = decide(
        client, doctor_headers, encounter, "not_eligible", reason="x", version=version + 1
    )
    api_error(response, 409, "stale")
    assert read(client, doctor_headers, encounter)["eligibility"] == "undecided"


def test_current_version_is_accepted_and_then_moves_on(app, client, encounter, doctor_headers):
    version = read(client, doctor_headers, encounter)["version"]
    first = decide(client, doctor_headers, encounter, "not_eligible", reason="x", version=version)
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json()["version"] > version
    # The same (now old) version a second time is a double submit: refused.
    api_error(
        decide(client, doctor_headers, encounter, "not_eligible", reason="y", version=version),
        409,
        "stale",
    )


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("put", "notes", {"inquiry_note": "纳差"}),
        ("post", "termination", {"reason": "first_visit", "note": "x"}),
        ("post", "start", {}),
    ],
)
def test_other_actions_check_the_version_too(
    app, client, encounter, doctor_headers, method, action, body
):
    version = read(client, doctor_headers, encounter)["version"]
    response = getattr(client, method)(
        url(encounter, action), headers=doctor_headers, json={**body, "version": version - 1}
    )
    api_error(response, 409, "stale")


# --- diagnoses ------------------------------------------------------------------------------------


def test_malformed_disease_code_is_refused(app, client, encounter, doctor_headers):
    error = api_error(diagnose(client, doctor_headers, encounter, disease_code="X12"), 422)
    assert "disease_code" in error.get("fields", {})
    assert read(client, doctor_headers, encounter)["diagnoses"] == []


def test_malformed_syndrome_code_is_refused(app, client, encounter, doctor_headers):
    error = api_error(diagnose(client, doctor_headers, encounter, syndrome_code="A01.01"), 422)
    assert "syndrome_code" in error.get("fields", {})


def test_known_disease_gets_its_code_from_the_lexicon(app, client, encounter, doctor_headers):
    response = diagnose(
        client,
        doctor_headers,
        encounter,
        disease_name="感冒",
        syndrome_name="风寒束表证",
        treatment_method="辛温解表",
    )

    assert response.status_code == 201, response.get_data(as_text=True)
    [diagnosis] = response.get_json()["diagnoses"]
    assert diagnosis["disease_name"] == "感冒"
    assert diagnosis["disease_code"] == "A01.01.01"
    assert diagnosis["syndrome_name"] == "风寒束表证"
    assert diagnosis["treatment_method"] == "辛温解表"
    assert diagnosis["is_primary"] is True


def test_given_code_is_kept(app, client, encounter, doctor_headers):
    response = diagnose(
        client, doctor_headers, encounter, disease_name="伤风", disease_code="a01.01.01.01"
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["diagnoses"][0]["disease_code"] == "A01.01.01.01"


@pytest.mark.parametrize("missing", ["disease_name", "syndrome_name"])
def test_diagnosis_needs_disease_and_syndrome(app, client, encounter, doctor_headers, missing):
    body = {"disease_name": "胃痛", "syndrome_name": "脾胃虚寒证"}
    body.pop(missing)
    error = api_error(
        client.post(url(encounter, "diagnoses"), headers=doctor_headers, json=body), 422
    )
    assert missing in error.get("fields", {})


def test_blank_disease_name_is_refused(app, client, encounter, doctor_headers):
    error = api_error(diagnose(client, doctor_headers, encounter, disease_name="   "), 422)
    assert "disease_name" in error.get("fields", {})


# --- notes, start and complete --------------------------------------------------------------------


def test_four_examination_notes_are_saved(app, client, encounter, doctor_headers):
    notes = {
        "inspection_note": "舌淡苔白",
        "listening_note": "语声低微",
        "inquiry_note": "喜温喜按",
        "palpation_note": "脉沉细",
    }
    response = client.put(url(encounter, "notes"), headers=doctor_headers, json=notes)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = read(client, doctor_headers, encounter)
    assert {key: body[key] for key in notes} == notes


def test_overlong_note_is_refused(app, client, encounter, doctor_headers):
    response = client.put(
        url(encounter, "notes"), headers=doctor_headers, json={"inquiry_note": "痛" * 4001}
    )
    error = api_error(response, 422)
    assert "inquiry_note" in error.get("fields", {})


def test_start_then_complete_with_a_diagnosis(app, client, encounter, doctor_headers):
    started = client.post(url(encounter, "start"), headers=doctor_headers)
    assert started.status_code == 200, started.get_data(as_text=True)
    assert started.get_json()["status"] == "in_progress"
    # 胃痛 (the default here) is a 临时诊断用术语 in GB/T 15657-2021: it cannot close a visit.
    assert diagnose(client, doctor_headers, encounter, disease_name="胃痞病").status_code == 201

    completed = client.post(url(encounter, "complete"), headers=doctor_headers)

    assert completed.status_code == 200, completed.get_data(as_text=True)
    body = completed.get_json()
    assert body["status"] == "completed"
    assert "encounter_not_open" in body["prescribing_blockers"]


def test_complete_without_a_diagnosis_is_refused(app, client, encounter, doctor_headers):
    assert client.post(url(encounter, "start"), headers=doctor_headers).status_code == 200
    api_error(
        client.post(url(encounter, "complete"), headers=doctor_headers), 422, "diagnosis_required"
    )
    assert read(client, doctor_headers, encounter)["status"] == "in_progress"


def test_complete_before_start_is_refused(app, client, encounter, doctor_headers):
    diagnose(client, doctor_headers, encounter)
    api_error(client.post(url(encounter, "complete"), headers=doctor_headers), 409, "not_started")


def test_start_twice_is_refused(app, client, encounter, doctor_headers):
    assert client.post(url(encounter, "start"), headers=doctor_headers).status_code == 200
    api_error(client.post(url(encounter, "start"), headers=doctor_headers), 409, "already_started")


def test_start_accepts_an_empty_json_object(app, client, encounter, doctor_headers):
    assert client.post(url(encounter, "start"), headers=doctor_headers, json={}).status_code == 200


def test_start_refuses_a_body_that_is_not_json(app, client, encounter, doctor_headers):
    response = client.post(
        url(encounter, "start"),
        headers=doctor_headers,
        data="version=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (400, 422)
    api_error(response, response.status_code)
    assert read(client, doctor_headers, encounter)["status"] == "requested"


# --- who may act ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "action", "body"), DOCTOR_ACTIONS)
def test_other_doctor_cannot_act_on_the_encounter(app, client, encounter, method, action, body):
    other_headers, _ = issue(create_doctor())
    response = getattr(client, method)(url(encounter, action), headers=other_headers, json=body)
    api_error(response, 404, "not_found")
    forget_uncommitted()
    assert db.session.get(Encounter, encounter.id).status == "requested"


@pytest.mark.parametrize(("method", "action", "body"), DOCTOR_ACTIONS)
def test_patient_cannot_act_as_the_doctor(
    app, client, encounter, patient_headers, method, action, body
):
    response = getattr(client, method)(url(encounter, action), headers=patient_headers, json=body)
    api_error(response, 403, "forbidden")


def test_doctor_cannot_upload_documents(app, client, encounter, doctor_headers):
    api_error(upload(client, doctor_headers, encounter.id), 403, "forbidden")
