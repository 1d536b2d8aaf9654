"""Approved outside prescriptions (外院处方) for the herb-order tests.

A documented stand-in until the pharmacist's review service lands (issue 20): the submission is
made as the patient makes it (external_rx.services.submissions: details, one page photo, sent to
the pharmacists), then the review's outcome is written onto the row directly: the institution's
number, the transcribed lines, packets and usage, the transcribing pharmacist, the frozen patient
facts, the decision and the validity. Replace the second half with the review service's calls
once it exists."""

from datetime import timedelta
from itertools import count

import sqlalchemy as sa

from external_rx.models import ExternalLine, ExternalSubmission
from external_rx.services import submissions
from herbs.models import HerbRecord
from tcm_app.extensions import db
from tcm_app.services.clock import clinic_today, utc_now
from tcm_app.services.patients import patient_age
from tests.factories import create_patient, create_pharmacist, png_bytes

# Each record's page photo differs (a photo already received is refused).
_photo_widths = count(101)
_numbers = count(1)


def _transcribe(record: ExternalSubmission, lines, packets: int, usage: str) -> None:
    for position, (name, grams, *method) in enumerate(lines, start=1):
        herb = db.session.scalar(sa.select(HerbRecord).where(HerbRecord.name == name))
        assert herb is not None, name
        record.lines.append(
            ExternalLine(
                position=position, herb_id=herb.id, written_name=name, dose_g=float(grams),
                method=method[0] if method else None,
            )
        )  # fmt: skip
    record.packets, record.usage = packets, usage


def approved_outside_prescription(
    patient=None,
    lines=(("黄芪", 30), ("当归", 10)),
    packets=7,
    usage="每日1剂，分两次温服",
    institution="北京中医医院",
    doctor_name="赵建国",
    official_seal=False,
    second_pharmacist=False,
) -> ExternalSubmission:
    """An outside prescription the pharmacists transcribed and approved; valid two more days;
    committed. `lines` holds (name, grams per packet[, method])."""
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
    checker = create_pharmacist(username=f"ext-ph-{record.id}-b") if second_pharmacist else None
    if checker is not None:
        checker.full_name = "吴药师"
    _transcribe(record, lines, packets, usage)
    now = utc_now()
    record.rx_number = f"WY{next(_numbers):06d}"
    record.transcribed_by, record.transcribed_at = transcriber, now
    record.second_pharmacist = checker
    record.second_signed_at = now if checker else None
    record.official_seal = official_seal
    record.patient_age, record.patient_pregnant = patient_age(patient), False
    record.findings = []
    record.status, record.decided_by, record.decided_at = "approved", transcriber, now
    record.valid_until = now + timedelta(days=2)
    db.session.commit()
    return record
