"""Every change made through the API, and every staff view of a record, leaves an audit entry."""

import pytest

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services.audit import verify_audit_chain
from tests.api.helpers import API, audit_entries, issue, upload, url
from tests.factories import PASSWORD, create_user


@pytest.mark.parametrize(
    ("method", "action", "body", "audit_action"),
    [
        ("post", "start", {}, "encounter.status"),
        (
            "post",
            "eligibility",
            {"decision": "not_eligible", "reason": "无既往诊断"},
            "encounter.eligibility",
        ),
        ("put", "notes", {"inquiry_note": "纳差便溏"}, "encounter.notes"),
        (
            "post",
            "diagnoses",
            {"disease_name": "感冒", "syndrome_name": "风寒束表证"},
            "encounter.diagnosis",
        ),
        (
            "post",
            "termination",
            {"reason": "condition_changed", "note": "请线下就诊"},
            "encounter.status",
        ),
    ],
)
def test_each_doctor_action_appends_one_audit_entry(
    app, client, doctor, encounter, doctor_headers, method, action, body, audit_action
):
    before = len(audit_entries(audit_action, encounter.id))

    response = getattr(client, method)(url(encounter, action), headers=doctor_headers, json=body)

    assert response.status_code in (200, 201), response.get_data(as_text=True)
    entries = audit_entries(audit_action, encounter.id)
    assert len(entries) == before + 1
    assert entries[-1].actor_id == doctor.id
    assert entries[-1].object_type == "encounter"


def test_refused_action_leaves_no_audit_entry(app, client, encounter, doctor_headers):
    response = client.post(
        url(encounter, "eligibility"), headers=doctor_headers, json={"decision": "eligible"}
    )  # no document yet: refused
    assert response.status_code == 422
    assert audit_entries("encounter.eligibility", encounter.id) == []


def test_termination_entry_keeps_reason_and_note(app, client, encounter, doctor_headers):
    client.post(
        url(encounter, "termination"),
        headers=doctor_headers,
        json={"reason": "unsuitable_online", "note": "需要切诊"},
    )
    [entry] = [
        e for e in audit_entries("encounter.status", encounter.id) if "terminated" in e.details
    ]
    assert "unsuitable_online" in entry.details and "需要切诊" in entry.details


def test_document_upload_is_audited_with_the_uploader(app, client, encounter):
    headers, _ = issue(encounter.patient.user)
    assert upload(client, headers, encounter.id).status_code == 201
    [entry] = audit_entries("document.upload", encounter.id)
    assert entry.actor_id == encounter.patient.user.id


def test_doctor_reading_an_encounter_is_a_record_view(
    app, client, doctor, encounter, doctor_headers
):
    assert client.get(f"{API}/encounters/{encounter.id}", headers=doctor_headers).status_code == 200
    [entry] = audit_entries("patient.view", encounter.patient_id)
    assert entry.actor_id == doctor.id


def test_clinic_desk_reading_a_patient_is_a_record_view(app, client, encounter):
    desk = create_user(Role.CLINIC)
    headers, _ = issue(desk)
    assert client.get(f"{API}/patients/{encounter.patient_id}", headers=headers).status_code == 200
    assert [e.actor_id for e in audit_entries("patient.view", encounter.patient_id)] == [desk.id]


def test_patient_reading_own_encounter_is_not_a_staff_record_view(app, client, encounter):
    headers, _ = issue(encounter.patient.user)
    assert client.get(f"{API}/encounters/{encounter.id}", headers=headers).status_code == 200
    assert audit_entries("patient.view") == []


def test_token_exchange_records_login_and_token(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    response = client.post(
        f"{API}/auth/token", json={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 201
    assert [e.actor_id for e in audit_entries("auth.login", user.id)] == [user.id]
    assert [e.actor_id for e in audit_entries("auth.token_issued")] == [user.id]


def test_entries_carry_the_callers_address(app, client, encounter, doctor_headers):
    client.post(
        url(encounter, "start"), headers=doctor_headers, environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    [entry] = audit_entries("encounter.status", encounter.id)
    assert entry.remote_addr == "10.1.2.3"


def test_audit_chain_stays_intact_through_a_whole_visit(
    app, client, doctor, encounter, doctor_headers
):
    patient_headers, _ = issue(encounter.patient.user)
    upload(client, patient_headers, encounter.id)
    client.post(url(encounter, "start"), headers=doctor_headers)
    client.post(
        url(encounter, "eligibility"), headers=doctor_headers, json={"decision": "eligible"}
    )
    client.post(
        url(encounter, "diagnoses"),
        headers=doctor_headers,
        json={"disease_name": "胃痛", "syndrome_name": "脾胃虚寒证"},
    )
    client.post(url(encounter, "complete"), headers=doctor_headers)
    report = verify_audit_chain()
    assert report.intact, report
    assert report.checked >= 7


def test_anonymous_api_call_is_not_attributed_to_a_browser_session(app, client):
    """The API ignores the session cookie, so its audit entries must too."""
    from flask import g

    from tests.factories import login

    browser_user = create_user(Role.CLINIC)
    db.session.commit()
    login(client, browser_user)  # the client now carries a signed-in session cookie
    g.pop("_login_user", None)  # the test shares `g` with requests: leave only the cookie

    response = client.post(
        f"{API}/auth/token", json={"username": "nobody-here", "password": "x-y-z-1"}
    )

    assert response.status_code == 401
    [entry] = audit_entries("auth.login_failed", "-")
    assert entry.actor_id is None
