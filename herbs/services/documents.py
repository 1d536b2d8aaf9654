"""The prescription PDF (处方笺): its content, rendering, and the cache keyed by its state."""

from __future__ import annotations

import hashlib
from zoneinfo import ZoneInfo

from flask import current_app

from herbs.models import PrescriptionDocument, PrescriptionStatus
from tcm_app.extensions import db
from tcm_app.models.types import utcnow
from tcm_app.pdf import qr_svg, render_pdf
from tcm_app.services import clock

HERBS_PER_ROW = 4  # the usual four-column grid of a 中药饮片处方
SIGNED_STATES = frozenset(
    {
        PrescriptionStatus.PENDING_REVIEW,
        PrescriptionStatus.APPROVED,
        PrescriptionStatus.REJECTED,
        PrescriptionStatus.USED,
        PrescriptionStatus.EXPIRED,
    }
)
STATUS_STAMPS: dict[str, str] = {
    PrescriptionStatus.PENDING_REVIEW: "待审方",
    PrescriptionStatus.REJECTED: "审方未通过",
    PrescriptionStatus.USED: "已使用",
    PrescriptionStatus.EXPIRED: "已过期",
}
SEX_LABELS = {"male": "男", "female": "女"}
# What a second signature (双签) was given for, as printed on the prescription.
ACK_LABELS = {
    "incompatible_18": "十八反",
    "incompatible_19": "十九畏",
    "dose_above_max": "超剂量",
    "pregnancy_forbidden": "妊娠禁用",
    "toxic": "医疗用毒性药品",
    "aristolochic_acid": "含马兜铃酸",
}


def prescription_number(prescription) -> str:
    day = prescription.created_at.astimezone(_zone()).strftime("%Y%m%d")
    return f"RX{day}-{prescription.id:06d}-{prescription.revision}"


def _zone() -> ZoneInfo:
    return clock.clinic_zone()


def _local(value) -> str | None:
    return value.astimezone(_zone()).strftime("%Y-%m-%d %H:%M") if value else None


def state_key(prescription, status: str) -> str:
    """Everything the PDF prints that can change after signing."""
    parts = [status, prescription.content_hash or "", str(prescription.reviewed_at or "")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def pdf_context(prescription, status: str, verify_url: str) -> dict:
    patient = prescription.patient
    countersigned = {
        herb for ack in prescription.acknowledgements for herb in _ack_herbs(ack.finding_key)
    }
    lines = [
        {
            "name": line.written_name,
            "grams": f"{line.dose_g:g}",
            "method": line.method,
            "countersigned": line.herb.name in countersigned,
        }
        for line in prescription.lines
    ]
    rows = [lines[i : i + HERBS_PER_ROW] for i in range(0, len(lines), HERBS_PER_ROW)]
    return {
        "hospital_name": current_app.config["HOSPITAL_NAME"],
        "number": prescription_number(prescription),
        "department": prescription.encounter.department.name,
        "signed_on": (_local(prescription.signed_at) or "")[:10],
        "patient_name": patient.legal_name,
        "sex": SEX_LABELS.get(patient.sex, patient.sex),
        "age": prescription.patient_age,
        "pregnant": prescription.patient_pregnant,
        "masked_id": patient.masked_id_number,
        "diagnosis": prescription.diagnosis_text,
        "line_rows": rows,
        "packets": prescription.packets,
        "usage": prescription.usage,
        "acknowledgements": [
            {
                "what": ACK_LABELS.get(ack.code, ack.code),
                "herbs": "、".join(_ack_herbs(ack.finding_key)),
                "reason": ack.reason,
                "signed_at": _local(ack.signed_at),
            }
            for ack in prescription.acknowledgements
        ],
        "doctor_name": prescription.doctor.full_name,
        "signed_at": _local(prescription.signed_at),
        "pharmacist_name": prescription.reviewed_by.full_name if prescription.reviewed_by else None,
        "reviewed_at": _local(prescription.reviewed_at),
        "valid_until": _local(prescription.valid_until)
        if status != PrescriptionStatus.REJECTED
        else None,
        "status_label": STATUS_STAMPS.get(status),
        "verify_url": verify_url,
        "qr": qr_svg(verify_url),
        "content_hash": prescription.content_hash,
    }


def _ack_herbs(finding_key: str) -> list[str]:
    return finding_key.partition(":")[2].split("+")


def cached_pdf(prescription, status: str) -> bytes | None:
    document = db.session.scalar(
        db.select(PrescriptionDocument).where(
            PrescriptionDocument.prescription_id == prescription.id
        )
    )
    if document is not None and document.state_key == state_key(prescription, status):
        return document.pdf
    return None


def render_and_store(prescription, status: str, verify_url: str) -> bytes:
    """Render the PDF for the prescription's current state and keep it; flushes."""
    pdf = render_pdf("herbs/pdf/prescription.html", **pdf_context(prescription, status, verify_url))
    document = db.session.scalar(
        db.select(PrescriptionDocument).where(
            PrescriptionDocument.prescription_id == prescription.id
        )
    )
    if document is None:
        document = PrescriptionDocument(prescription_id=prescription.id)
        db.session.add(document)
    document.state_key = state_key(prescription, status)
    document.pdf = pdf
    document.rendered_at = utcnow()
    db.session.flush()
    return pdf
