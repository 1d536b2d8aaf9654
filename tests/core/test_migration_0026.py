"""Migration 0026 (voice notes elsewhere) both ways: down to 0025 takes the audio columns of the
pharmacist's thread, complaints, adverse reactions and visits (the chief complaint's) away and
keeps their rows; up again brings them back empty, and a complaint may carry a recording again."""

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from quality.services import complaints
from tcm_app.extensions import db
from tcm_app.models.patients import Patient
from tests.factories import create_patient
from tests.voice_samples import tagged_wav

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
TABLES = ("external_messages", "quality_complaints", "adverse_reactions")


def audio_columns(table: str) -> set[str]:
    names = {c["name"] for c in sa.inspect(db.engine).get_columns(table)}
    return names & {"audio_key", "audio_mime"}


def complaint_columns() -> set[str]:
    names = {c["name"] for c in sa.inspect(db.engine).get_columns("encounters")}
    return names & {"complaint_audio_key", "complaint_audio_mime"}


def test_down_to_0025_and_up_again(app):
    patient = create_patient()
    complaint = complaints.file(patient.user, patient.id, "", "", tagged_wav())
    db.session.commit()
    complaint_id, patient_id = complaint.id, patient.id
    db.session.remove()
    downgrade(directory=MIGRATIONS, revision="0025_elder_mode_and_proxies")
    assert all(audio_columns(table) == set() for table in TABLES)
    assert complaint_columns() == set()
    kept = db.session.scalar(
        sa.text("SELECT count(*) FROM quality_complaints WHERE id = :id"), {"id": complaint_id}
    )
    db.session.rollback()
    assert kept == 1
    upgrade(directory=MIGRATIONS)
    assert all(audio_columns(table) == {"audio_key", "audio_mime"} for table in TABLES)
    assert complaint_columns() == {"complaint_audio_key", "complaint_audio_mime"}
    emptied = db.session.scalar(
        sa.text("SELECT audio_key FROM quality_complaints WHERE id = :id"), {"id": complaint_id}
    )
    db.session.rollback()
    assert emptied is None  # the column comes back empty: the recording's link went with it
    patient = db.session.get(Patient, patient_id)
    again = complaints.file(patient.user, patient.id, "", "", tagged_wav())
    db.session.commit()
    assert again.audio_mime == "audio/wav"
