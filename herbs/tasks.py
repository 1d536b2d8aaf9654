"""Background work for prescriptions: nightly expiry and PDF rendering (eager in the demo)."""

from celery import shared_task
from sqlalchemy.exc import OperationalError

from herbs.models import Prescription
from herbs.services import documents, prescriptions
from tcm_app.extensions import db


@shared_task(name="herbs.expire_prescriptions", ignore_result=False)
def expire_prescriptions() -> int:
    """Mark approved prescriptions past their validity as expired (schedule it hourly)."""
    count = prescriptions.expire_due()
    db.session.commit()
    return count


@shared_task(
    name="herbs.render_prescription_pdf",
    # A lost database (restarting) or file system is worth trying again a moment later.
    autoretry_for=(OSError, OperationalError),
    retry_backoff=True,
    max_retries=3,
)
def render_prescription_pdf(prescription_id: int, verify_url: str) -> None:
    """Render and cache the 处方笺 for the prescription's current state (idempotent)."""
    prescription = db.session.get(Prescription, prescription_id)
    if prescription is None:
        return
    status = prescriptions.effective_status(prescription)
    if documents.cached_pdf(prescription, status) is None:
        documents.render_and_store(prescription, status, verify_url)
        db.session.commit()
