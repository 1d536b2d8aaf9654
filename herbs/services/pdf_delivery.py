"""Who gets the prescription PDF when, and the hand-off to the rendering task."""

from herbs.models import PrescriptionStatus
from herbs.services import documents
from herbs.services.prescriptions import effective_status
from tcm_app.common.errors import ConflictError
from tcm_app.models.accounts import Role
from tcm_app.services.queue import enqueue
from tcm_app.services.urls import public_url

RENDER_TASK = "herbs.render_prescription_pdf"  # herbs/tasks.py
PATIENT_STATES = frozenset(
    {PrescriptionStatus.APPROVED, PrescriptionStatus.USED, PrescriptionStatus.EXPIRED}
)


def verify_url(prescription) -> str:
    """The public verification page printed as a QR code (no personal data on it)."""
    return public_url("herbs.prescription_verify", token=prescription.verify_token)


def pdf_or_render(prescription, viewer) -> bytes | None:
    """The cached PDF for the current state, or None after queueing its rendering: the caller's
    commit sends the task (the embedded mode renders it right there), then asks `rendered_pdf`."""
    status = effective_status(prescription)
    if status not in documents.SIGNED_STATES:
        raise ConflictError("a draft has no prescription document yet", "not_signed")
    if viewer.role == Role.PATIENT and status not in PATIENT_STATES:
        raise ConflictError("the prescription is available after pharmacist review", "not_reviewed")
    pdf = documents.cached_pdf(prescription, status)
    if pdf is None:
        enqueue(RENDER_TASK, prescription.id, verify_url(prescription))
    return pdf


def rendered_pdf(prescription) -> bytes | None:
    """After the caller's commit: the PDF the render task left (None while a worker renders)."""
    return documents.cached_pdf(prescription, effective_status(prescription))
