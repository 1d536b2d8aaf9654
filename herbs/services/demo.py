"""Demo prescribing: one prescription already signed and waiting for the pharmacist, so a newcomer
can try the review (审方) on the first day. Called by tcm_app.services.demo; the caller commits."""

from datetime import timedelta

from herbs.services import prescriptions
from tcm_app.services import documents, encounters
from tcm_app.services.clock import clinic_today

SIJUNZI = [("党参", "15"), ("白术", "9"), ("茯苓", "12"), ("炙甘草", "6")]


def seed_waiting_prescription(
    patient, patient_user, doctor, signing_password: str, record_png: bytes
):
    """An online follow-up the doctor has completed up to a signed 四君子汤, waiting for review."""
    today = clinic_today()
    visit = encounters.request_encounter(
        patient_user, patient, doctor, "online_followup", "乏力纳差，门诊诊断后复诊续方", today
    )
    documents.add_document(
        visit, patient_user, "outpatient_record", "门诊病历.png", record_png, today - timedelta(7)
    )
    encounters.start_encounter(visit, doctor)
    encounters.decide_eligibility(visit, doctor, "eligible", "门诊病历明确诊断虚损病（脾气虚证）")
    # Coded by name from GB/T 15657-2021: 虚损病 A06.01.01, 脾气虚证 B04.03.01.03.01.
    encounters.record_diagnosis(visit, doctor, "虚损病", "脾气虚证", treatment_method="益气健脾")
    draft = prescriptions.open_draft(visit, doctor)
    lines = [{"name": name, "dose_g": grams, "method": None} for name, grams in SIJUNZI]
    prescriptions.save_draft(draft, doctor, lines, 7, "每日1剂，水煎400ml，分早晚两次温服")
    prescriptions.sign(draft, doctor, signing_password, {})
    return draft


def seed_demo(world) -> None:
    """The herbs part of `flask seed-demo` (world: tcm_app.services.demo.DemoWorld)."""
    seed_waiting_prescription(
        world.patient, world.patient.user, world.doctor, world.signing_password, world.record_image
    )
