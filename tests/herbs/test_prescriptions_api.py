"""The legal flow over the API: draft, sign personally (with double signatures), pharmacist review,
revision after rejection, validity and single use; and every refusal, audited."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from herbs.models import FindingAcknowledgement, Prescription
from herbs.services import prescriptions
from tcm_app.common.errors import ConflictError
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.models.types import utcnow
from tcm_app.services.patients import patient_age
from tests.api.helpers import api_error
from tests.factories import (
    SIGNING_PASSWORD,
    bearer,
    create_doctor,
    create_encounter,
    create_pharmacist,
    create_prescribable_encounter,
)

API = "/api/v1"
SIJUNZI = [
    {"name": "党参", "dose_g": 15},
    {"name": "白术", "dose_g": 9},
    {"name": "茯苓", "dose_g": 12},
    {"name": "炙甘草", "dose_g": 6},
]


@pytest.fixture
def encounter(app):
    return create_prescribable_encounter()


@pytest.fixture
def doctor_headers(encounter):
    return bearer(encounter.doctor)


@pytest.fixture
def pharmacist(app):
    return create_pharmacist()


def open_draft(client, encounter, headers):
    response = client.post(f"{API}/encounters/{encounter.id}/prescriptions", headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    return response.get_json()


def save(client, rx, headers, lines=SIJUNZI, packets=7, **extra):
    body = {
        "lines": lines,
        "packets": packets,
        "usage": "每日1剂，水煎400ml，分早晚两次温服",
        **extra,
    }
    return client.put(f"{API}/prescriptions/{rx['id']}", json=body, headers=headers)


def sign(client, rx, headers, reasons=None, password=SIGNING_PASSWORD):
    body = {"signing_password": password, "reasons": reasons or {}}
    return client.post(f"{API}/prescriptions/{rx['id']}/sign", json=body, headers=headers)


def review(client, rx, headers, decision="approve", note="", password=SIGNING_PASSWORD):
    body = {"decision": decision, "note": note, "signing_password": password}
    return client.post(f"{API}/prescriptions/{rx['id']}/review", json=body, headers=headers)


def signed_prescription(client, encounter, headers, lines=SIJUNZI):
    rx = open_draft(client, encounter, headers)
    assert save(client, rx, headers, lines).status_code == 200
    response = sign(client, rx, headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def audit_actions(prescription_id) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(
                AuditEntry.object_type == "prescription",
                AuditEntry.object_id == str(prescription_id),
            )
            .order_by(AuditEntry.id)
        )
    )


def test_doctor_pharmacist_patient_flow(client, encounter, doctor_headers, pharmacist):
    rx = signed_prescription(client, encounter, doctor_headers)
    assert rx["status"] == "pending_review" and rx["diagnosis"].startswith("胃脘痛")
    assert rx["patient_age"] == patient_age(encounter.patient) and rx["patient_pregnant"] is False
    queue = client.get(f"{API}/prescriptions?status=pending_review", headers=bearer(pharmacist))
    assert [item["id"] for item in queue.get_json()["items"]] == [rx["id"]]
    approved = review(client, rx, bearer(pharmacist)).get_json()
    assert approved["status"] == "approved" and approved["reviewed_by"] == "李药师"
    patient_headers = bearer(encounter.patient.user)
    mine = client.get(f"{API}/prescriptions", headers=patient_headers).get_json()["items"]
    assert [item["status"] for item in mine] == ["approved"]
    pdf = client.get(f"{API}/prescriptions/{rx['id']}/pdf", headers=patient_headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert audit_actions(rx["id"]) == [
        "prescription.create",
        "prescription.edit",
        "prescription.sign",
        "prescription.review",
    ]


def test_saving_a_draft_again_replaces_its_lines(client, encounter, doctor_headers):
    rx = open_draft(client, encounter, doctor_headers)
    assert save(client, rx, doctor_headers).status_code == 200
    second = save(client, rx, doctor_headers, [{"name": "黄芪", "dose_g": 15}], packets=5)
    assert second.status_code == 200, second.get_data(as_text=True)[:300]
    body = second.get_json()
    assert [line["herb"] for line in body["lines"]] == ["黄芪"] and body["packets"] == 5


def test_opening_twice_returns_the_same_draft(client, encounter, doctor_headers):
    assert (
        open_draft(client, encounter, doctor_headers)["id"]
        == open_draft(client, encounter, doctor_headers)["id"]
    )


def test_no_prescription_before_eligibility(client, app):
    encounter = create_encounter()
    headers = bearer(encounter.doctor)
    response = client.post(f"{API}/encounters/{encounter.id}/prescriptions", headers=headers)
    api_error(response, 409, "prescribing_blocked")


def test_flagged_findings_need_a_reason_each_then_are_countersigned(
    client, encounter, doctor_headers
):
    rx = open_draft(client, encounter, doctor_headers)
    lines = [{"name": "甘草", "dose_g": 15}, {"name": "海藻", "dose_g": 10}]
    findings = save(client, rx, doctor_headers, lines).get_json()["findings"]
    flagged = {f["key"] for f in findings if f["severity"] == "double_sign"}
    assert {key.split(":")[0] for key in flagged} == {"incompatible_18", "dose_above_max"}
    error = api_error(sign(client, rx, doctor_headers), 422, "double_signature_required")
    assert set(error["fields"]["findings"]) == flagged
    one_reason = {sorted(flagged)[0]: "病情需要，已告知患者"}
    api_error(sign(client, rx, doctor_headers, one_reason), 422, "double_signature_required")
    reasons = {key: "病情需要，已告知患者" for key in flagged}
    signed = sign(client, rx, doctor_headers, reasons).get_json()
    assert signed["status"] == "pending_review"
    assert {a["finding_key"] for a in signed["acknowledgements"]} == flagged


def test_blocking_findings_cannot_be_signed(client, encounter, doctor_headers):
    rx = open_draft(client, encounter, doctor_headers)
    save(client, rx, doctor_headers, [{"name": "甘草", "dose_g": 6}, {"name": "国老", "dose_g": 3}])
    api_error(sign(client, rx, doctor_headers), 422, "blocking_findings")


BAD_DRAFTS = [
    ("unknown herb", [{"name": "不存在的药", "dose_g": 6}], 7, "lines.0.name"),
    ("zero grams", [{"name": "甘草", "dose_g": 0}], 7, "lines.0.dose_g"),
    ("negative grams", [{"name": "甘草", "dose_g": -1}], 7, "lines.0.dose_g"),
    ("absurd grams", [{"name": "甘草", "dose_g": 5000}], 7, "lines.0.dose_g"),
    ("zero packets", [{"name": "甘草", "dose_g": 6}], 0, "packets"),
    ("no lines", [], 7, "lines"),
]


@pytest.mark.parametrize(
    "lines,packets,field", [c[1:] for c in BAD_DRAFTS], ids=[c[0] for c in BAD_DRAFTS]
)
def test_bad_drafts_are_refused_and_nothing_is_written(
    client, encounter, doctor_headers, lines, packets, field
):
    rx = open_draft(client, encounter, doctor_headers)
    assert save(client, rx, doctor_headers).status_code == 200
    error = api_error(save(client, rx, doctor_headers, lines, packets), 422)
    assert field in error["fields"]
    assert audit_actions(rx["id"])[-1] == "prescription.edit_refused"
    kept = client.get(f"{API}/prescriptions/{rx['id']}", headers=doctor_headers).get_json()
    assert [line["written_name"] for line in kept["lines"]] == [line["name"] for line in SIJUNZI]


def test_wrong_signing_password_is_refused_and_audited(client, encounter, doctor_headers):
    rx = open_draft(client, encounter, doctor_headers)
    save(client, rx, doctor_headers)
    api_error(sign(client, rx, doctor_headers, password="Passw0rd-test"), 403, "bad_signature")
    assert "prescription.sign_refused" in audit_actions(rx["id"])
    assert db.session.get(Prescription, rx["id"]).status == "draft"


def test_another_doctor_cannot_sign_or_see_it_and_is_on_record(client, encounter, doctor_headers):
    rx = open_draft(client, encounter, doctor_headers)
    save(client, rx, doctor_headers)
    intruder = create_doctor(username="intruder")
    other = bearer(intruder)
    api_error(sign(client, rx, other), 404)
    api_error(client.get(f"{API}/prescriptions/{rx['id']}", headers=other), 404)
    tries = db.session.scalars(
        sa.select(AuditEntry.actor_label).where(AuditEntry.action == "prescription.access_refused")
    ).all()
    assert tries == ["intruder", "intruder"]


def test_signing_someone_elses_prescription_is_refused_and_audited(
    app, encounter, doctor_headers, client
):
    rx = open_draft(client, encounter, doctor_headers)
    save(client, rx, doctor_headers)
    prescription = db.session.get(Prescription, rx["id"])
    intruder = create_doctor()
    with pytest.raises(Exception) as exc:
        prescriptions.sign(prescription, intruder, SIGNING_PASSWORD, {})
    assert exc.value.code == "not_your_prescription"
    assert exc.value.audit["action"] == "prescription.sign"


def test_signed_content_is_frozen(client, encounter, doctor_headers):
    rx = signed_prescription(client, encounter, doctor_headers)
    api_error(save(client, rx, doctor_headers), 409, "not_a_draft")
    api_error(sign(client, rx, doctor_headers), 409, "already_signed")


def test_approving_twice_is_refused(client, encounter, doctor_headers, pharmacist):
    rx = signed_prescription(client, encounter, doctor_headers)
    headers = bearer(pharmacist)
    assert review(client, rx, headers).status_code == 200
    api_error(review(client, rx, headers), 409, "already_reviewed")
    api_error(review(client, rx, bearer(create_pharmacist())), 409, "already_reviewed")
    assert "prescription.review_refused" in audit_actions(rx["id"])


def test_doctors_cannot_review(client, encounter, doctor_headers):
    rx = signed_prescription(client, encounter, doctor_headers)
    api_error(review(client, rx, doctor_headers), 403)


def test_rejection_needs_a_reason_and_leads_to_a_new_version(
    client, encounter, doctor_headers, pharmacist
):
    rx = signed_prescription(client, encounter, doctor_headers)
    headers = bearer(pharmacist)
    api_error(review(client, rx, headers, "reject", ""), 422, "reason_required")
    rejected = review(client, rx, headers, "reject", "茯苓剂量请复核").get_json()
    assert rejected["status"] == "rejected"
    revised = client.post(f"{API}/prescriptions/{rx['id']}/revise", headers=doctor_headers)
    assert revised.status_code == 201
    draft = revised.get_json()
    assert draft["revision"] == 2 and draft["previous_id"] == rx["id"]
    assert [line["written_name"] for line in draft["lines"]] == [line["name"] for line in SIJUNZI]
    old = client.get(f"{API}/prescriptions/{rx['id']}", headers=doctor_headers).get_json()
    assert old["status"] == "rejected" and old["review_note"] == "茯苓剂量请复核"


def test_patient_sees_no_drafts_and_no_pdf_before_review(client, encounter, doctor_headers):
    draft = open_draft(client, encounter, doctor_headers)
    patient_headers = bearer(encounter.patient.user)
    api_error(client.get(f"{API}/prescriptions/{draft['id']}", headers=patient_headers), 404)
    save(client, draft, doctor_headers)
    sign(client, draft, doctor_headers)
    api_error(
        client.get(f"{API}/prescriptions/{draft['id']}/pdf", headers=patient_headers),
        409,
        "not_reviewed",
    )


def test_approved_prescription_is_valid_three_days_then_expires(
    client, encounter, doctor_headers, pharmacist
):
    rx = signed_prescription(client, encounter, doctor_headers)
    approved = review(client, rx, bearer(pharmacist)).get_json()
    prescription = db.session.get(Prescription, rx["id"])
    assert prescription.valid_until - prescription.reviewed_at == timedelta(days=3)
    later = utcnow() + timedelta(days=3, minutes=1)
    assert prescriptions.effective_status(prescription, later) == "expired"
    assert approved["valid_until"]


def test_an_approved_prescription_backs_exactly_one_order(
    app, client, encounter, doctor_headers, pharmacist
):
    rx = signed_prescription(client, encounter, doctor_headers)
    review(client, rx, bearer(pharmacist))
    prescription = db.session.get(Prescription, rx["id"])
    prescriptions.consume(prescription, "order-1")
    db.session.commit()
    with pytest.raises(ConflictError) as exc:
        prescriptions.consume(prescription, "order-2")
    assert exc.value.code == "prescription_used"


def test_an_expired_prescription_backs_no_order(app, client, encounter, doctor_headers, pharmacist):
    rx = signed_prescription(client, encounter, doctor_headers)
    review(client, rx, bearer(pharmacist))
    prescription = db.session.get(Prescription, rx["id"])
    prescription.valid_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(ConflictError) as exc:
        prescriptions.consume(prescription, "order-1")
    assert exc.value.code == "prescription_expired"
    assert prescriptions.expire_due() == 1


def test_an_unreviewed_prescription_backs_no_order(app, client, encounter, doctor_headers):
    rx = signed_prescription(client, encounter, doctor_headers)
    with pytest.raises(ConflictError) as exc:
        prescriptions.consume(db.session.get(Prescription, rx["id"]), "order-1")
    assert exc.value.code == "prescription_not_approved"


def test_tampering_after_signing_is_detected_at_review(
    client, encounter, doctor_headers, pharmacist
):
    rx = signed_prescription(client, encounter, doctor_headers)
    prescription = db.session.get(Prescription, rx["id"])
    prescription.lines[0].dose_g = 30
    db.session.commit()
    api_error(review(client, rx, bearer(pharmacist)), 409, "content_changed")


def test_acknowledgements_cannot_be_deleted(app, client, encounter, doctor_headers):
    rx = open_draft(client, encounter, doctor_headers)
    saved = save(client, rx, doctor_headers, [{"name": "甘草", "dose_g": 15}])
    assert saved.status_code == 200, saved.get_data(as_text=True)[:300]
    key = saved.get_json()["findings"][0]["key"]
    assert sign(client, rx, doctor_headers, {key: "病情需要"}).status_code == 200
    for table in (FindingAcknowledgement, Prescription):
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.delete(table))
            db.session.flush()
        db.session.rollback()


def test_signing_password_must_differ_from_login(client, app):
    doctor = create_doctor()
    headers = bearer(doctor)
    body = {"login_password": "Passw0rd-test", "signing_password": "Passw0rd-test"}
    api_error(
        client.put(f"{API}/me/signing-password", json=body, headers=headers), 422, "same_as_login"
    )
    body = {"login_password": "wrong", "signing_password": "An0ther-secret"}
    api_error(
        client.put(f"{API}/me/signing-password", json=body, headers=headers), 422, "wrong_password"
    )
    body = {"login_password": "Passw0rd-test", "signing_password": "An0ther-secret"}
    assert client.put(f"{API}/me/signing-password", json=body, headers=headers).status_code == 204
