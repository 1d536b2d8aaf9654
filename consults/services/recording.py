"""Optional recording of a video consult: off unless the hospital enables it and the patient
consents on the call page. The doctor's browser records the call and uploads it in pieces; the file
is kept with the encounter under the process-record retention."""

from __future__ import annotations

import uuid

from flask import current_app
from sqlalchemy import select

from consults.models import ConsultRecording
from consults.services import calls
from tcm_app.common.errors import ConflictError, PermissionDeniedError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.types import utcnow
from tcm_app.services.storage import storage

MAX_CHUNK_BYTES = 8 * 1024 * 1024
MAX_RECORDING_BYTES = 2 * 1024 * 1024 * 1024
RECORDING_FOLDER = "recordings"  # in the app's storage
WEBM_MAGIC = b"\x1a\x45\xdf\xa3"  # EBML header: the first piece of every WebM file


def enabled() -> bool:
    return bool(current_app.config["CONSULT_RECORDING_ENABLED"])


def record_consent(encounter, patient_user, consent: bool) -> None:
    """The patient (or guardian) says yes or no on the page; either answer goes on the record."""
    if not enabled():
        raise ConflictError("this hospital does not record consults", "recording_off")
    if patient_user.role != Role.PATIENT:
        raise PermissionDeniedError("only the patient consents", "not_patient")
    calls.require_joinable(encounter, patient_user, "consult.recording_consent")
    call = calls.call_of(encounter)
    call.recording_consent_at = utcnow() if consent else None
    calls.record_event(encounter.id, patient_user.id, "recording_consent", {"consent": consent})


def append_chunk(encounter, doctor, data: bytes, first: bool) -> ConsultRecording:
    """Add one piece to the call's current recording (a new file when `first`)."""
    if not enabled() or encounter.call is None or encounter.call.recording_consent_at is None:
        raise ConflictError("recording needs the patient's consent", "no_consent")
    if doctor.id != encounter.doctor_id:
        raise PermissionDeniedError("only the treating doctor records", "not_participant")
    if not data or len(data) > MAX_CHUNK_BYTES:
        raise ValidationError("a recording piece must be 1 byte to 8 MB", "bad_chunk")
    recording = None if first else _current(encounter.id)
    if recording is None:
        if not data.startswith(WEBM_MAGIC):
            raise ValidationError("a recording starts with a WebM header", "bad_chunk")
        recording = _new_recording(encounter, doctor)
    if recording.size_bytes + len(data) > MAX_RECORDING_BYTES:
        raise ValidationError("the recording is too long", "bad_chunk")
    with storage().open_for_stream(recording.storage_key, RECORDING_FOLDER) as handle:
        handle.write(data)
    recording.size_bytes += len(data)
    recording.updated_at = utcnow()
    db.session.flush()
    return recording


def _current(encounter_id: int) -> ConsultRecording | None:
    return db.session.scalar(
        select(ConsultRecording)
        .where(ConsultRecording.encounter_id == encounter_id)
        .order_by(ConsultRecording.id.desc())
        .limit(1)
    )


def _new_recording(encounter, doctor) -> ConsultRecording:
    recording = ConsultRecording(
        encounter_id=encounter.id, recorded_by_id=doctor.id, storage_key=f"{uuid.uuid4().hex}.webm"
    )
    db.session.add(recording)
    db.session.flush()
    calls.record_event(encounter.id, doctor.id, "recording_started", {"recording": recording.id})
    return recording
