"""Prior-diagnosis uploads through the API: accepted files, refused files, nothing left over."""

from datetime import timedelta

import cv2
import numpy as np
import pytest

from tcm_app.extensions import db
from tcm_app.models.encounters import ClinicalDocument
from tcm_app.services.clock import clinic_today
from tests.api.helpers import api_error, audit_entries, count_documents, issue, stored_files, upload
from tests.factories import create_child, create_encounter, create_patient, pdf_bytes, png_bytes


@pytest.fixture
def encounter(app):
    return create_encounter(patient=create_patient(name="王丽"))


@pytest.fixture
def patient_headers(encounter):
    headers, _ = issue(encounter.patient.user)
    return headers


def jpeg_bytes() -> bytes:
    return cv2.imencode(".jpg", np.full((30, 40, 3), 90, np.uint8))[1].tobytes()


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (png_bytes(), "检查单.png", "image/png"),
        (jpeg_bytes(), "门诊病历.jpg", "image/jpeg"),
        (pdf_bytes(), "出院小结.pdf", "application/pdf"),
    ],
)
def test_upload_is_stored_and_listed_on_the_encounter(
    app, client, encounter, patient_headers, data, filename, content_type
):
    response = upload(
        client,
        patient_headers,
        encounter.id,
        data,
        filename,
        "discharge_summary",
        issued_on="2024-03-01",
    )

    assert response.status_code == 201, response.get_data(as_text=True)
    [document] = response.get_json()["documents"]
    assert document["doc_type"] == "discharge_summary"
    assert document["content_type"] == content_type
    assert document["issued_on"] == "2024-03-01"
    assert document["size_bytes"] > 0
    assert len(document["sha256"]) == 64
    assert len(stored_files(app)) == 1
    row = db.session.get(ClinicalDocument, document["id"])
    assert row.encounter_id == encounter.id and row.uploaded_by_id == encounter.patient.user.id


def test_upload_response_hides_storage_details(app, client, encounter, patient_headers):
    response = upload(client, patient_headers, encounter.id)
    [document] = response.get_json()["documents"]
    assert "storage_key" not in document
    row = db.session.get(ClinicalDocument, document["id"])
    assert row.storage_key not in response.get_data(as_text=True)


def test_content_type_comes_from_the_bytes_not_the_claim(app, client, encounter, patient_headers):
    response = upload(
        client, patient_headers, encounter.id, png_bytes(), "scan.jpg", content_type="image/jpeg"
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["documents"][0]["content_type"] == "image/png"


def test_upload_is_audited(app, client, encounter, patient_headers):
    document_id = upload(client, patient_headers, encounter.id).get_json()["documents"][0]["id"]
    [entry] = audit_entries("document.upload", encounter.id)
    assert entry.actor_id == encounter.patient.user.id
    assert str(document_id) in entry.details


def test_guardian_uploads_for_a_child(app, client):
    guardian = create_patient(name="王丽")
    child = create_child(guardian, years=4, name="王小明")
    encounter = create_encounter(patient=child)
    headers, _ = issue(guardian.user)
    assert upload(client, headers, encounter.id).status_code == 201


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (b"just some notes, not a record\n", "notes.txt", "text/plain"),
        (b"", "empty.pdf", "application/pdf"),
        (b"this is text pretending to be a photo", "photo.jpg", "image/jpeg"),
        (b"\xff\xd8\xff\xe0 broken jpeg body", "broken.jpg", "image/jpeg"),
        (b"%PDF-1.7 no objects here at all", "broken.pdf", "application/pdf"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image.svg", "image/svg+xml"),
    ],
)
def test_unacceptable_file_is_refused_and_nothing_is_kept(
    app, client, encounter, patient_headers, data, filename, content_type
):
    response = upload(
        client, patient_headers, encounter.id, data, filename, content_type=content_type
    )

    error = api_error(response, 422)
    assert "file" in error.get("fields", {}), error
    assert stored_files(app) == []
    assert count_documents() == 0
    assert audit_entries("document.upload") == []


def test_missing_file_field_is_refused(app, client, encounter, patient_headers):
    error = api_error(upload(client, patient_headers, encounter.id, data=False), 422)
    assert "file" in error.get("fields", {})


def test_unknown_document_type_is_refused(app, client, encounter, patient_headers):
    error = api_error(upload(client, patient_headers, encounter.id, doc_type="selfie"), 422)
    assert "doc_type" in error.get("fields", {})
    assert stored_files(app) == [] and count_documents() == 0


@pytest.mark.parametrize(
    ("issued_on", "reason"), [("01/03/2024", "format"), ("2024-13-01", "format")]
)
def test_malformed_issue_date_is_refused(
    app, client, encounter, patient_headers, issued_on, reason
):
    error = api_error(upload(client, patient_headers, encounter.id, issued_on=issued_on), 422)
    assert "issued_on" in error.get("fields", {})
    assert count_documents() == 0


@pytest.mark.clock  # the clinic's day, not the server's (make test-clock)
def test_issue_date_in_the_future_is_refused(app, client, encounter, patient_headers):
    tomorrow = (clinic_today() + timedelta(days=1)).isoformat()
    error = api_error(upload(client, patient_headers, encounter.id, issued_on=tomorrow), 422)
    assert "issued_on" in error.get("fields", {})
    assert stored_files(app) == [] and count_documents() == 0


def test_patient_cannot_upload_to_another_patients_encounter(app, client, encounter):
    stranger_headers, _ = issue(create_patient(name="陌生人").user)
    api_error(upload(client, stranger_headers, encounter.id), 404, "not_found")
    assert stored_files(app) == [] and count_documents() == 0


def test_upload_needs_a_token(app, client, encounter):
    db.session.commit()
    api_error(upload(client, {}, encounter.id), 401, "unauthenticated")
    assert stored_files(app) == []
