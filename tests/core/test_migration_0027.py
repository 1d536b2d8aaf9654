"""Migration 0027 (a repeat prescription's voice note) both ways: down to 0026 takes the audio
columns of prescription_renewals away and keeps their rows; up again brings them back empty, and
a renewal may be asked with a recording again."""

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from herbs.models import Prescription
from herbs.services import renewals
from tcm_app.extensions import db
from tests.herbs.test_renewals import dispensed
from tests.voice_samples import tagged_wav

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


def audio_columns() -> set[str]:
    names = {c["name"] for c in sa.inspect(db.engine).get_columns("prescription_renewals")}
    return names & {"audio_key", "audio_mime"}


def test_down_to_0026_and_up_again(app):
    rx = dispensed()
    renewal = renewals.request_renewal(rx.encounter.patient.user, rx, "", tagged_wav())
    renewals.decline(renewal, rx.encounter.doctor, "请来院面诊")  # so it may be asked again
    db.session.commit()
    renewal_id, rx_id = renewal.id, rx.id
    db.session.remove()
    downgrade(directory=MIGRATIONS, revision="0026_voice_elsewhere")
    assert audio_columns() == set()
    kept = db.session.scalar(
        sa.text("SELECT count(*) FROM prescription_renewals WHERE id = :id"), {"id": renewal_id}
    )
    db.session.rollback()
    assert kept == 1
    upgrade(directory=MIGRATIONS)
    assert audio_columns() == {"audio_key", "audio_mime"}
    emptied = db.session.scalar(
        sa.text("SELECT audio_key FROM prescription_renewals WHERE id = :id"), {"id": renewal_id}
    )
    db.session.rollback()
    assert emptied is None  # the column comes back empty: the recording's link went with it
    rx = db.session.get(Prescription, rx_id)
    again = renewals.request_renewal(rx.encounter.patient.user, rx, "", tagged_wav())
    db.session.commit()
    assert again.audio_mime == "audio/wav"
