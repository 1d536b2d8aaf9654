"""Records for the load run (make load), made in the production database with the app's own
services: doctors online for consults and treating in person, pharmacists, decoction-room staff,
and patients with a history (a finished online follow-up with an approved prescription and a paid
herb order waiting in the decoction room), plus for every doctor visits ready to prescribe (a draft
open) and signed prescriptions waiting for the pharmacist.

    eval "$(scripts/prod.py env)" && .venv/bin/python benchmarks/load/seed.py [--patients N]

It refuses to seed twice (the first load account already there: nothing is done, exit 0), so
every run of make load finds the same accounts. It needs no `seed-demo`: the clinic's hours, the
therapies and a department are set up here when missing.

Accounts are named load-patient-0001, load-doctor-01, load-pharmacist-1, load-decoction-1 …
(accounts.py, shared with the locustfile); all share one password, stored with scrypt as the app
stores any password, so a sign-in costs what it costs in production. Their signing password is
stored with one round of PBKDF2 instead: seeding signs and reviews hundreds of prescriptions (a
tenth of a second of scrypt each would be most of the seeding time) and the load never signs."""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from accounts import (
    LOAD_PASSWORD,
    LOAD_SIGNING_PASSWORD,
    Counts,
    decoction_name,
    doctor_name,
    patient_name,
    pharmacist_name,
)

DIAGNOSIS = {  # coded by name from GB/T 15657-2021, as the demo's (a visit can complete with it)
    "disease_name": "胃络痛",
    "syndrome_name": "脾阳虚证",
    "treatment_method": "温中散寒",
}
LIZHONG = [
    {"name": "党参", "dose_g": 15},
    {"name": "白术", "dose_g": 12},
    {"name": "干姜", "dose_g": 6},
    {"name": "炙甘草", "dose_g": 6},
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
# Consult hours of every load doctor, every day (15-minute slots), as the demo doctor's.
CONSULT_HOURS = ((clock_time(8), clock_time(12)), (clock_time(13, 30), clock_time(21, 30)))
TREATING_HOURS = [(clock_time(8), clock_time(21))]
DRAFTS_PER_DOCTOR = 3
WAITING_REVIEW_PER_DOCTOR = 2


def chinese_name(number: int) -> str:
    return SURNAMES[number % len(SURNAMES)] + GIVEN[(number // len(SURNAMES)) % len(GIVEN)]


def seed(counts: Counts) -> str:
    """Create the load world (the caller commits); refuses (returns a note) when already there."""
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from tcm_app.extensions import db
    from tcm_app.models.accounts import User

    if db.session.scalar(sa.select(User.id).where(User.username == patient_name(1))):
        added = top_up(counts)
        if added:
            return f"load data already seeded: {added} paid orders added to the decoction room"
        return "load data already seeded: nothing done"
    world = _World(
        password_hash=generate_password_hash(LOAD_PASSWORD),  # scrypt, as the app stores any
        signing_hash=generate_password_hash(LOAD_SIGNING_PASSWORD, method="pbkdf2:sha256:1"),
    )
    _clinic(world)
    doctors = [_doctor(world, n) for n in range(1, counts.doctors + 1)]
    pharmacists = [_pharmacist(world, n) for n in range(1, counts.pharmacists + 1)]
    room = [
        _staff(world, decoction_name(n), "decoction", n) for n in range(1, counts.decoction + 1)
    ]
    db.session.flush()
    patients = [_patient(world, n) for n in range(1, counts.patients + 1)]
    db.session.flush()
    for n, (patient, address) in enumerate(patients):
        doctor = doctors[n % len(doctors)]
        _ordered_prescription(world, patient, address, doctor, pharmacists[0], room[0], n)
    for d, doctor in enumerate(doctors):
        for k in range(DRAFTS_PER_DOCTOR + WAITING_REVIEW_PER_DOCTOR):
            patient, _address = patients[(d * 7 + k) % len(patients)]
            visit = _prescribable_visit(world, patient, doctor)
            if k < DRAFTS_PER_DOCTOR:
                _draft(visit, doctor)
            else:
                _signed(world, visit, doctor)
    return (
        f"load data seeded: {counts.patients} patients, {counts.doctors} doctors, "
        f"{counts.pharmacists} pharmacists, {counts.decoction} decoction-room staff"
    )


# The decoction room's moves carry orders to their end, run after run; before each run the room
# gets paid orders again up to this share of the patients (stages a person moves at once).
WAITING_ORDERS_SHARE = 0.5
MOVABLE_STAGES = ("paid", "dispensed", "checked", "packaged", "shipped")


def top_up(counts: Counts) -> int:
    """Paid orders for the decoction room up to WAITING_ORDERS_SHARE of the patients; how many
    were added (each from a finished visit with an approved prescription, as the seed makes)."""
    import sqlalchemy as sa

    from decoction.models import DecoctionOrder
    from tcm_app.extensions import db
    from tcm_app.models.accounts import User
    from tcm_app.models.patients import Address, Patient

    waiting = db.session.scalar(
        sa.select(sa.func.count(DecoctionOrder.id)).where(DecoctionOrder.status.in_(MOVABLE_STAGES))
    )
    missing = int(counts.patients * WAITING_ORDERS_SHARE) - waiting
    if missing <= 0:
        return 0

    def user(name: str) -> User:
        return db.session.scalar(sa.select(User).where(User.username == name))

    world = _World(password_hash="", signing_hash="")
    pharmacist, clerk = user(pharmacist_name(1)), user(decoction_name(1))
    for k in range(missing):
        number = k % counts.patients + 1
        patient = db.session.scalar(
            sa.select(Patient)
            .join(User, Patient.user_id == User.id)
            .where(User.username == patient_name(number))
        )
        address = db.session.scalar(sa.select(Address).where(Address.patient_id == patient.id))
        doctor = user(doctor_name(number % counts.doctors + 1))
        _ordered_prescription(world, patient, address, doctor, pharmacist, clerk, number)
    return missing


class _World:
    def __init__(self, password_hash: str, signing_hash: str):
        self.password_hash = password_hash
        self.signing_hash = signing_hash
        self.proof = _proof_image()
        self.today = None


def _proof_image() -> bytes:
    import cv2
    import numpy as np

    return cv2.imencode(".png", np.full((60, 80, 3), 230, np.uint8))[1].tobytes()


def _clinic(world) -> None:
    """A department, the therapies and the clinic's opening hours, when the demo did not make
    them (a stack started without TCM_PROD_DEMO)."""
    import sqlalchemy as sa

    from tcm_app.extensions import db
    from tcm_app.models.accounts import Department
    from treatments.models import Therapy
    from treatments.services import catalogue

    world.department = db.session.scalar(
        sa.select(Department).where(Department.code == "spleen_stomach")
    )
    if world.department is None:
        world.department = Department(
            code="spleen_stomach", name="脾胃病科", name_en="Spleen and Stomach Diseases"
        )
        db.session.add(world.department)
    if db.session.scalar(sa.select(sa.func.count(Therapy.id))) == 0:
        catalogue.import_therapies()
        for weekday in range(7):
            catalogue.set_weekly_hours(None, weekday, [(clock_time(8), clock_time(21))])
    db.session.flush()


def _staff(world, username: str, role: str, number: int):
    from tcm_app.extensions import db
    from tcm_app.models.accounts import Role, User

    user = User(
        username=username,
        role=Role(role),
        full_name=chinese_name(number * 13 + len(role)),
        password_hash=world.password_hash,
    )
    db.session.add(user)
    return user


def _doctor(world, number: int):
    from consults.services import booking
    from tcm_app.extensions import db
    from tcm_app.models.accounts import DoctorProfile
    from treatments.services import catalogue

    doctor = _staff(world, doctor_name(number), "doctor", number)
    doctor.signing_password_hash = world.signing_hash
    db.session.add(
        DoctorProfile(
            user=doctor,
            licence_number=f"LOAD{number:011d}",
            title="attending",
            department=world.department,
            years_independent_practice=10,
            online_enabled=True,
        )
    )
    db.session.flush()
    for weekday in range(7):
        for start, end in CONSULT_HOURS:
            booking.add_session(doctor, weekday, start, end, 15)
    # Every doctor also treats in person, with a bed of their own: booking capacity for the run.
    catalogue.make_practitioner(doctor, ("acupuncture", "cupping", "tuina"))
    for weekday in range(7):
        catalogue.set_weekly_hours(doctor.id, weekday, TREATING_HOURS)
    catalogue.add_resource(f"load-bed-{number}", f"负载床 {number}", "bed", 1, ())
    return doctor


def _pharmacist(world, number: int):
    from tcm_app.extensions import db
    from tcm_app.models.accounts import PharmacistProfile

    user = _staff(world, pharmacist_name(number), "pharmacist", number)
    user.signing_password_hash = world.signing_hash
    db.session.add(PharmacistProfile(user=user, licence_number=f"LOAD-YS-{number:04d}"))
    return user


def _patient(world, number: int):
    from tcm_app.common.resident_id import build_resident_id, parse_resident_id
    from tcm_app.models.patients import PregnancyStatus
    from tcm_app.services import patients
    from tcm_app.services.clock import clinic_today

    today = clinic_today()
    sex = "female" if number % 2 else "male"
    # Adults of 25 to 64: distinct birthdays, so every resident number is distinct.
    birth = date(today.year - 25, 1, 1) - timedelta(days=number * 97 % (40 * 365))
    resident = build_resident_id("110105", birth, number % 100, sex)
    name = chinese_name(number)
    patient = patients.create_patient_record(
        name, parse_resident_id(resident, today), phone(number)
    )
    patient.user = _staff(world, patient_name(number), "patient", number)
    patient.user.full_name = name
    from tcm_app.extensions import db

    db.session.flush()
    if sex == "female":
        patients.set_pregnancy_status(patient, PregnancyStatus.NOT_PREGNANT, patient.user)
    address = patients.add_address(
        patient, name, phone(number), "北京市 朝阳区", f"望京街道 {number} 号", True, patient.user
    )
    return patient, address


def phone(number: int) -> str:
    return f"139{number:08d}"


def _prescribable_visit(world, patient, doctor):
    from tcm_app.services import documents, encounters
    from tcm_app.services.clock import clinic_today

    visit = encounters.request_encounter(
        patient.user, patient, doctor, "online_followup", "胃脘隐痛，续方", clinic_today()
    )
    encounters.start_encounter(visit, doctor)
    documents.add_document(visit, patient.user, "outpatient_record", "门诊病历.png", world.proof)
    encounters.decide_eligibility(visit, doctor, "eligible", "门诊病历明确诊断胃络痛（脾阳虚证）")
    encounters.record_diagnosis(visit, doctor, **DIAGNOSIS)
    return visit


def _draft(visit, doctor):
    from herbs.services import prescriptions

    rx = prescriptions.open_draft(visit, doctor)
    prescriptions.save_draft(rx, doctor, LIZHONG, 7, "每日1剂，水煎分早晚两次温服")
    return rx


def _signed(world, visit, doctor):
    from herbs.services import prescriptions

    rx = _draft(visit, doctor)
    reasons = {f.key: "已核对，按医嘱服用" for f in prescriptions.findings_for(rx)}
    prescriptions.sign(rx, doctor, LOAD_SIGNING_PASSWORD, reasons)
    return rx


def _ordered_prescription(world, patient, address, doctor, pharmacist, clerk, number: int):
    """A finished follow-up whose approved prescription is ordered and paid at the counter: it
    waits in the decoction room. Every other order is raw pieces to pick up (four quick moves to
    the end), the rest decocted and delivered (soaking takes half an hour)."""
    from decoction.services import orders, payments
    from herbs.services import prescriptions
    from tcm_app.services import encounters

    visit = _prescribable_visit(world, patient, doctor)
    rx = _signed(world, visit, doctor)
    prescriptions.review(rx, pharmacist, True, "", LOAD_SIGNING_PASSWORD)
    encounters.complete_encounter(visit, doctor)
    if number % 2:
        order = orders.place_order(rx, patient.user, "raw", "pickup")
    else:
        order = orders.place_order(rx, patient.user, "decocted", "delivery", address.id)
    payments.mark_paid(order, clerk, f"load-counter-{order.id}")


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=Counts().patients)
    parser.add_argument("--doctors", type=int, default=Counts().doctors)
    args = parser.parse_args(argv)
    counts = Counts(patients=args.patients, doctors=args.doctors)

    from tcm_app.app import create_app
    from tcm_app.extensions import db

    started = time.monotonic()
    app = create_app()
    with app.app_context():
        note = seed(counts)
        db.session.commit()
    print(f"seed: {note} ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
