"""The expiry task, the PDF task's cache, and the validity setting that can never exceed 3 days."""

from datetime import timedelta

import pytest

from herbs.models import PrescriptionDocument
from herbs.services import documents, prescriptions
from herbs.tasks import expire_prescriptions, render_prescription_pdf
from tcm_app.app import create_app
from tcm_app.config import ConfigError
from tcm_app.extensions import db
from tcm_app.models.types import utcnow
from tests.conftest import base_config
from tests.factories import approved_prescription


def test_expiry_task_marks_only_prescriptions_past_their_validity(app):
    old, fresh = approved_prescription(), approved_prescription()
    old.valid_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert expire_prescriptions.delay().get() == 1
    db.session.expire_all()
    assert (old.status, fresh.status) == ("expired", "approved")
    db.session.commit()  # end the read: on SQLite the task's own session needs the lock
    assert expire_prescriptions.delay().get() == 0


def test_pdf_task_renders_once_per_state(app):
    rx = approved_prescription()
    rx_id = rx.id
    db.session.commit()
    with app.test_request_context("/"):
        render_prescription_pdf.delay(rx_id, "http://h/herbs/verify/x")
        rendered_at = db.session.scalar(db.select(PrescriptionDocument)).rendered_at
        db.session.commit()  # end the read: on SQLite the task's own session needs the lock
        render_prescription_pdf.delay(rx_id, "http://h/herbs/verify/x")
        db.session.expire_all()
        assert db.session.scalar(db.select(PrescriptionDocument)).rendered_at == rendered_at
        rx.valid_until = utcnow() - timedelta(seconds=1)  # now reads as expired: a new state
        db.session.commit()
        assert documents.cached_pdf(rx, prescriptions.effective_status(rx)) is None


@pytest.mark.parametrize("days", [0, 4, 30])
def test_validity_longer_than_three_days_is_refused(tmp_path, days):
    with pytest.raises(ConfigError, match="PRESCRIPTION_VALID_DAYS"):
        create_app(base_config("sqlite://", tmp_path, PRESCRIPTION_VALID_DAYS=days))
