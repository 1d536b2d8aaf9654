"""Uploads: real PDFs and images only, size-limited, metadata stripped, no half-writes."""

import io
import os
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pytest
import sqlalchemy as sa
import time_machine
from pypdf import PdfReader

from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.encounters import ClinicalDocument
from tcm_app.services import documents, encounters
from tests.factories import create_encounter, pdf_bytes, png_bytes


def jpeg_with_exif() -> bytes:
    """A JPEG carrying an EXIF block (APP1) with a camera make and GPS-like text."""
    plain = cv2.imencode(".jpg", np.full((30, 40, 3), 120, np.uint8))[1].tobytes()
    payload = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00CameraMake-SECRET-GPS-39.9N"
    app1 = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    return plain[:2] + app1 + plain[2:]


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return [p for p in folder.iterdir() if p.is_file()] if folder.exists() else []


def add(encounter, data, doc_type="outpatient_record"):
    return documents.add_document(encounter, encounter.patient.user, doc_type, "upload", data)


def test_image_is_reencoded_without_exif(app):
    encounter = create_encounter()
    original = jpeg_with_exif()
    assert b"SECRET-GPS" in original
    document = add(encounter, original)
    stored = (Path(app.config["UPLOAD_FOLDER"]) / document.storage_key).read_bytes()
    assert b"SECRET-GPS" not in stored and b"Exif" not in stored
    assert cv2.imdecode(np.frombuffer(stored, np.uint8), cv2.IMREAD_COLOR).shape == (30, 40, 3)
    assert document.content_type == "image/jpeg"


def test_pdf_is_rewritten_without_document_metadata(app):
    encounter = create_encounter()
    original = pdf_bytes({"/Author": "Dr Secret", "/Title": "patient 11010519491231002X"})
    assert b"Dr Secret" in original
    document = add(encounter, original)
    stored = (Path(app.config["UPLOAD_FOLDER"]) / document.storage_key).read_bytes()
    assert b"Dr Secret" not in stored and b"11010519491231002X" not in stored
    assert len(PdfReader(io.BytesIO(stored)).pages) == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(b"", "empty_file", id="empty-file-refused"),
        pytest.param(b"hello, I am plain text", "unsupported_type", id="text-file-refused"),
        pytest.param(b"MZ\x90\x00" + b"\x00" * 100, "unsupported_type", id="executable-refused"),
        pytest.param(
            b"\xff\xd8\xff\xe0 not really a jpeg", "unreadable_image", id="fake-jpeg-header-refused"
        ),
        pytest.param(
            b"%PDF-1.7\n garbage without structure", "unreadable_pdf", id="broken-pdf-refused"
        ),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_written(app, data, code):
    encounter = create_encounter()
    with pytest.raises(ValidationError) as exc:
        add(encounter, data)
    assert exc.value.code == code
    db.session.rollback()
    assert stored_files(app) == []
    assert db.session.scalar(sa.select(sa.func.count(ClinicalDocument.id))) == 0


def test_oversized_upload_is_refused(app):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    with pytest.raises(ValidationError) as exc:
        add(create_encounter(), png_bytes(400, 400) + os.urandom(2000))
    assert exc.value.code == "file_too_large"
    assert stored_files(app) == []


def test_unknown_document_type_is_refused(app):
    with pytest.raises(ValidationError):
        add(create_encounter(), png_bytes(), doc_type="selfie")


def test_closed_visit_takes_no_uploads(app):
    encounter = create_encounter()
    encounters.start_encounter(encounter, encounter.doctor)
    encounters.terminate_encounter(encounter, encounter.doctor, "first_visit", "请到门诊就诊")
    with pytest.raises(ConflictError):
        add(encounter, png_bytes())


def test_failed_database_write_removes_the_stored_file(app, monkeypatch):
    encounter = create_encounter()

    def broken_audit(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(documents, "record_audit", broken_audit)
    with pytest.raises(RuntimeError):
        add(encounter, png_bytes())
    assert stored_files(app) == []


def test_reading_a_document_checks_its_digest(app):
    encounter = create_encounter()
    document = add(encounter, png_bytes())
    assert documents.read_document(document, encounter.doctor).startswith(b"\x89PNG")
    (Path(app.config["UPLOAD_FOLDER"]) / document.storage_key).write_bytes(b"tampered")
    with pytest.raises(ConflictError):
        documents.read_document(document, encounter.doctor)


def test_documents_are_kept_fifteen_years(app):
    document = add(create_encounter(), png_bytes())
    assert document.retain_until.year - document.uploaded_at.year == 15


@pytest.mark.parametrize("hour", [0, 8, 23], ids=["00h30", "08h30", "23h30"])
def test_a_document_issued_on_the_clinics_day_is_not_from_the_future(app, hour):
    """At 00:30 in Beijing a UTC server's date is still yesterday: today's record was refused as
    dated in the future, and the retention period counted from yesterday."""
    moment = datetime(2026, 3, 10, hour, 30, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)
    with time_machine.travel(moment, tick=False):
        encounter = create_encounter()
        document = documents.add_document(
            encounter,
            encounter.patient.user,
            "outpatient_record",
            "upload",
            png_bytes(),
            issued_on=date(2026, 3, 10),
        )
    assert (document.issued_on, document.retain_until) == (date(2026, 3, 10), date(2041, 3, 10))
