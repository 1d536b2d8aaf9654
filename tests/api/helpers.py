"""Small helpers shared by the API tests: JSON error checks, uploads, audit look-ups."""

import io
from pathlib import Path

import sqlalchemy as sa

from tcm_app.extensions import db
from tcm_app.models.accounts import ApiToken
from tcm_app.models.audit import AuditEntry
from tcm_app.models.encounters import ClinicalDocument
from tcm_app.services.accounts import issue_token
from tests.factories import png_bytes

API = "/api/v1"


def api_error(response, status: int, code: str | None = None) -> dict:
    """Assert a JSON error answer {"error": {"code", "message"}} and return its "error" part."""
    assert response.status_code == status, (
        response.status_code,
        response.get_data(as_text=True)[:500],
    )
    assert response.is_json, response.headers.get("Content-Type")
    body = response.get_json()
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), body
    error = body["error"]
    assert isinstance(error.get("code"), str) and error["code"], error
    assert isinstance(error.get("message"), str) and error["message"], error
    if code is not None:
        assert error["code"] == code, error
    return error


def issue(user) -> tuple[dict, ApiToken]:
    """A fresh bearer token for `user`: (headers, the ApiToken row)."""
    plain, token = issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}, token


def forget_uncommitted() -> None:
    """Read afresh: end this session's transaction and expire what it holds, so that the test
    sees only what the requests (each in its own session) committed."""
    db.session.rollback()


def url(encounter, action: str = "") -> str:
    return f"{API}/encounters/{encounter.id}{'/' + action if action else ''}"


def audit_entries(action: str, object_id=None) -> list[AuditEntry]:
    forget_uncommitted()
    query = sa.select(AuditEntry).where(AuditEntry.action == action)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == str(object_id))
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def count_documents() -> int:
    forget_uncommitted()
    return db.session.scalar(sa.select(sa.func.count(ClinicalDocument.id)))


def stored_files(app) -> list[Path]:
    """Every file (finished or temporary) under the upload folder."""
    folder = Path(app.config["UPLOAD_FOLDER"])
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def upload(
    client,
    headers,
    encounter_id,
    data=None,
    filename="record.png",
    doc_type="outpatient_record",
    content_type=None,
    **form,
):
    payload = {"doc_type": doc_type, **form}
    if data is not False:
        content = png_bytes() if data is None else data
        payload["file"] = (
            (io.BytesIO(content), filename, content_type)
            if content_type
            else (io.BytesIO(content), filename)
        )
    return client.post(
        f"{API}/encounters/{encounter_id}/documents",
        data=payload,
        headers=headers,
        content_type="multipart/form-data",
    )


def request_visit(
    client,
    headers,
    patient_id,
    doctor_id,
    kind="online_followup",
    chief_complaint="胃脘隐痛三月，复诊",
):
    return client.post(
        f"{API}/encounters",
        headers=headers,
        json={
            "patient_id": patient_id,
            "doctor_id": doctor_id,
            "kind": kind,
            "chief_complaint": chief_complaint,
        },
    )
