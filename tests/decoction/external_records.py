"""Approved outside prescriptions (外院处方) for the herb-order tests, made as people make them:
the patient sends a photographed prescription (external_rx.services.submissions), a pharmacist
confirms each check, transcribes the lines and approves (external_rx.services.review), a second
pharmacist signing first when a finding needs one."""

from itertools import count

from external_rx.intake_rules import CHECKS
from external_rx.models import ExternalSubmission
from external_rx.review_rules import needs_second_pharmacist
from external_rx.services import review, submissions
from tcm_app.extensions import db
from tcm_app.services.clock import clinic_today
from tests.factories import SIGNING_PASSWORD, create_patient, create_pharmacist, png_bytes

# Each record's page photo and number differ (a photo or number already received is refused).
_photo_widths = count(101)
_numbers = count(1)


def approved_outside_prescription(
    patient=None,
    lines=(("黄芪", 30), ("当归", 10)),
    packets=7,
    usage="每日1剂，分两次温服",
    institution="北京中医医院",
    doctor_name="赵建国",
    official_seal=False,
) -> ExternalSubmission:
    """An outside prescription the pharmacists checked, transcribed and approved, usable through
    the second day after today; committed. `lines` holds (name, grams per packet[, method]);
    the paper carries the writer's second signature wherever a finding asks for it, and a second
    pharmacist signs when one calls for it (双签: a child's dose, 90 g of 黄芪)."""
    patient = patient or create_patient()
    sender = patient.user or patient.guardian.user
    record = submissions.start(
        sender, patient, institution=institution, doctor_name=doctor_name,
        written_on=clinic_today(), declared=True,
        first_page=png_bytes(width=next(_photo_widths)),
    )  # fmt: skip
    submissions.submit(record, sender)
    transcriber = create_pharmacist(username=f"ext-ph-{record.id}-a")
    transcriber.full_name = "周药师"
    for check in CHECKS:
        review.confirm_check(record, transcriber, check, f"WY{next(_numbers):06d}")
    rows = [
        {"name": name, "dose_g": str(grams), "method": method[0] if method else None}
        for name, grams, *method in lines
    ]
    findings = review.save_transcription(
        record, transcriber, rows, packets, usage,
        writer_countersigned=True, official_seal=official_seal,
    )  # fmt: skip
    if needs_second_pharmacist(findings):
        checker = create_pharmacist(username=f"ext-ph-{record.id}-b")
        checker.full_name = "吴药师"
        review.second_sign(record, checker, SIGNING_PASSWORD, "已核对原方医师再次签名")
    review.approve(record, transcriber, SIGNING_PASSWORD)
    db.session.commit()
    return record
