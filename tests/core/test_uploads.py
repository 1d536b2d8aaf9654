"""Every upload (document, tongue photo, chat image) is kept all or nothing: a failure after the
file was written leaves neither the file nor the row, even when the caller goes on and commits."""

from pathlib import Path

import cv2
import numpy as np
import pytest
import sqlalchemy as sa

from consults.models import ChatMessage
from consults.services import calls
from diagnosis.models import TongueImage
from diagnosis.services import tongue
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.models.encounters import ClinicalDocument
from tcm_app.services import documents
from tcm_app.services.storage import storage
from tests.factories import create_encounter, png_bytes


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def broken_audit(*args, **kwargs):
    raise RuntimeError("database went away")


def add_document(encounter):
    user = encounter.patient.user
    return documents.add_document(encounter, user, "outpatient_record", "u", png_bytes())


def add_tongue_photo(encounter):
    data = cv2.imencode(".jpg", np.full((240, 320, 3), 90, np.uint8))[1].tobytes()
    return tongue.add_tongue_image(encounter, encounter.patient.user, data, "gallery")


# (how to upload, its row, the service module whose audit entry is broken in the failure test)
UPLOADS = [
    pytest.param(add_document, ClinicalDocument, documents, id="document"),
    pytest.param(add_tongue_photo, TongueImage, tongue, id="tongue photo"),
]


@pytest.mark.parametrize(("upload", "model", "service"), UPLOADS)
def test_a_failed_audit_leaves_no_file_and_no_row_even_if_the_caller_commits(
    app, monkeypatch, upload, model, service
):
    encounter = create_encounter()
    db.session.commit()
    audits = count(AuditEntry)
    monkeypatch.setattr(service, "record_audit", broken_audit)
    with pytest.raises(RuntimeError):
        upload(encounter)
    db.session.commit()  # a caller that swallowed the error: the savepoint already rolled back
    assert stored_files(app) == []
    assert count(model) == 0 and count(AuditEntry) == audits


@pytest.mark.parametrize(("upload", "model", "service"), UPLOADS)
def test_an_upload_keeps_its_file_its_row_and_its_audit_entry(app, upload, model, service):
    row = upload(create_encounter())
    db.session.commit()
    assert [p.name for p in stored_files(app)] == [row.storage_key]
    assert len(storage().read(row.storage_key)) == row.size_bytes
    assert db.session.scalar(
        sa.select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)
    ) in {"document.upload", "tongue.upload"}


def test_a_chat_image_whose_row_fails_leaves_no_file(app, monkeypatch):
    encounter = create_encounter()

    def broken_message(**columns):
        raise RuntimeError("database went away")

    monkeypatch.setattr(calls, "ChatMessage", broken_message)
    monkeypatch.setattr(calls, "require_joinable", lambda *args: None)
    with pytest.raises(RuntimeError):
        calls.add_chat_image(encounter, encounter.patient.user, png_bytes())
    assert stored_files(app) == []
    assert count(ChatMessage) == 0
