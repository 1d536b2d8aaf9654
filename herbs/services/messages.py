"""Inbox messages about prescriptions: the patient hears when the pharmacist approves or returns
theirs (审方), and the prescribing doctor when it comes back for revision."""

from herbs.services.documents import prescription_number
from tcm_app.services import inbox

APPROVED = "您的处方（{number}）已通过药师审核，请在有效期内下单取药。"
RETURNED_TO_PATIENT = "您的处方（{number}）已退回医生修改，修改并审核通过后会再通知您。"
RETURNED_TO_DOCTOR = "处方（{number}，{patient}）被药师退回：{note}"


def prescription_reviewed(prescription, approved: bool, note: str) -> None:
    """Post the review's outcome to the patient (or guardian) and, if returned, to the doctor."""
    number = prescription_number(prescription)
    link = inbox.path_for("herbs.prescription_view", prescription_id=prescription.id)
    subject = ("prescription", prescription.id)
    text = (APPROVED if approved else RETURNED_TO_PATIENT).format(number=number)
    kind = "prescription.approved" if approved else "prescription.returned"
    inbox.post_about(prescription.patient, kind, text, link=link, subject=subject)
    if not approved:
        doctor_text = RETURNED_TO_DOCTOR.format(
            number=number, patient=prescription.patient.legal_name, note=note
        )
        inbox.post(prescription.doctor, kind, doctor_text, link=link, subject=subject)
