"""Factories for the core rows, and small valid upload files. Tests import from here."""

import contextvars
import os
import uuid
from datetime import date, timedelta

import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from tcm_app.common.resident_id import build_resident_id, parse_resident_id
from tcm_app.extensions import db
from tcm_app.models.accounts import Department, DoctorProfile, PharmacistProfile, Role, User
from tcm_app.services import encounters as encounter_service
from tcm_app.services import patients as patient_service
from tcm_app.services.accounts import issue_token
from tcm_app.services.clock import clinic_today

PASSWORD = "Passw0rd-test"
SIGNING_PASSWORD = "Sign-0nly-test"
# The test accounts' passwords are stored with one round of PBKDF2: every sign-in and signature
# of the suite checks one (thousands a run), and scrypt's tenth of a second each was a fifth of
# the suite's time. What the app itself stores (scrypt) is tested in
# tests/security/test_password_storage.py. The benchmarks time sign-ins and signatures as the app
# makes them: benchmarks/common.py sets TCM_TEST_ACCOUNT_HASH=scrypt before importing this.
TEST_HASH_METHOD = os.environ.get("TCM_TEST_ACCOUNT_HASH", "pbkdf2:sha256:1")
PASSWORD_HASH = generate_password_hash(PASSWORD, method=TEST_HASH_METHOD)
SIGNING_HASH = generate_password_hash(SIGNING_PASSWORD, method=TEST_HASH_METHOD)


def create_department(code="tcm_internal", name="中医内科", name_en="Internal Medicine"):
    department = db.session.scalar(sa.select(Department).where(Department.code == code))
    if department is None:
        department = Department(code=code, name=name, name_en=name_en)
        db.session.add(department)
        db.session.flush()
    return department


def create_user(role=Role.PATIENT, username=None, full_name="测试用户"):
    user = User(
        username=username or f"{role}-{uuid.uuid4().hex[:8]}",
        role=role,
        full_name=full_name,
        password_hash=PASSWORD_HASH,
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_doctor(online=True, years=10, department=None, username=None):
    doctor = create_user(Role.DOCTOR, username, "张医生")
    doctor.signing_password_hash = SIGNING_HASH
    db.session.add(
        DoctorProfile(
            user=doctor,
            licence_number=f"L{uuid.uuid4().hex[:10]}",
            title="attending",
            department=department or create_department(),
            years_independent_practice=years,
            online_enabled=online,
        )
    )
    db.session.flush()
    return doctor


def create_pharmacist(username=None):
    user = create_user(Role.PHARMACIST, username, "李药师")
    user.signing_password_hash = SIGNING_HASH
    db.session.add(PharmacistProfile(user=user, licence_number=f"P{uuid.uuid4().hex[:10]}"))
    db.session.flush()
    return user


_sequence = iter(range(10, 10_000))


def create_patient(
    birth=date(1985, 6, 1), sex="female", with_account=True, guardian=None, name="王丽"
):
    number = build_resident_id("110105", birth, next(_sequence), sex)
    patient = patient_service.create_patient_record(
        name, parse_resident_id(number, clinic_today()), "13812345678"
    )
    if with_account:
        patient.user = create_user(Role.PATIENT, full_name=name)
    patient.guardian = guardian
    db.session.flush()
    return patient


def create_child(guardian, years=4, sex="male", name="王小明"):
    """A minor in `guardian`'s care, without a login of their own (as add_ward creates them)."""
    birth = clinic_today() - timedelta(days=years * 365 + 1)
    return create_patient(birth=birth, sex=sex, with_account=False, guardian=guardian, name=name)


def create_encounter(
    patient=None, doctor=None, kind="online_followup", actor=None, scheduled_on=None
):
    patient = patient or create_patient()
    doctor = doctor or create_doctor()
    actor = actor or patient.user or (patient.guardian.user if patient.guardian else doctor)
    return encounter_service.request_encounter(
        actor, patient, doctor, kind, "胃脘隐痛", scheduled_on or clinic_today()
    )


def create_prescribable_encounter(patient=None, doctor=None):
    """An online follow-up the doctor has started, with proof, eligibility and a diagnosis."""
    from tcm_app.services import documents

    encounter = create_encounter(patient=patient, doctor=doctor)
    doctor = encounter.doctor
    encounter_service.start_encounter(encounter, doctor)
    uploader = encounter.patient.user or encounter.patient.guardian.user
    documents.add_document(encounter, uploader, "discharge_summary", "d.png", png_bytes())
    encounter_service.decide_eligibility(encounter, doctor, "eligible", "门诊病历明确诊断胃脘痛")
    encounter_service.record_diagnosis(encounter, doctor, "胃脘痛", "脾胃虚寒证")
    db.session.flush()
    return encounter


def signed_prescription(
    lines=(("黄芪", 30), ("当归", 10)),
    packets=7,
    usage="每日1剂，分两次温服",
    patient=None,
    doctor=None,
    encounter=None,
):
    """A prescription written and signed by the treating doctor, waiting for the pharmacist. A
    finding that asks for a reason is given one (「已核对，按医嘱服用」), as a doctor would."""
    from herbs.services import prescriptions

    encounter = encounter or create_prescribable_encounter(patient=patient, doctor=doctor)
    rx = prescriptions.open_draft(encounter, encounter.doctor)
    rows = [{"name": name, "dose_g": grams} for name, grams in lines]
    prescriptions.save_draft(rx, encounter.doctor, rows, packets, usage)
    reasons = {f.key: "已核对，按医嘱服用" for f in prescriptions.findings_for(rx)}
    prescriptions.sign(rx, encounter.doctor, SIGNING_PASSWORD, reasons)
    return rx


def approved_prescription(*args, pharmacist=None, approve=True, note="", **kwargs):
    """A signed prescription the pharmacist approved (or, with approve=False, returned with the
    note); committed. The one builder the tests share."""
    from herbs.services import prescriptions

    rx = signed_prescription(*args, **kwargs)
    prescriptions.review(rx, pharmacist or create_pharmacist(), approve, note, SIGNING_PASSWORD)
    db.session.commit()
    return rx


def bearer(user) -> dict:
    plain, _ = issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def login(client, user, password=PASSWORD):
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


# Tiny valid files for upload tests.
def png_bytes(width=40, height=30) -> bytes:
    import cv2
    import numpy as np

    return cv2.imencode(".png", np.full((height, width, 3), 200, np.uint8))[1].tobytes()


def pdf_bytes(metadata: dict | None = None) -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if metadata:
        writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class IsolatedClient(FlaskClient):
    """Each request runs as a real one would: in its own app context, database session and `g`,
    after the test's own work is committed (as its separate transaction would have been)."""

    def open(self, *args, **kwargs):
        db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


# In-person treatments: a clinic open every day, practitioners, beds and rooms.
def open_treatment_clinic(hours=((8, 0), (18, 0))):
    """Clinic opening hours every day of the week (08:00-18:00 by default)."""
    from datetime import time

    from treatments.services import catalogue

    for weekday in range(7):
        catalogue.set_weekly_hours(None, weekday, [(time(*hours[0]), time(*hours[1]))])


def create_practitioner(
    qualifications=("acupuncture", "cupping", "tuina"),
    user=None,
    hours=((9, 0), (12, 0)),
    weekdays=range(7),
):
    """A doctor (or the given staff user) who treats in person, working `hours` each weekday."""
    from datetime import time

    from treatments.services import catalogue

    user = user or create_doctor()
    practitioner = catalogue.make_practitioner(user, qualifications)
    for weekday in weekdays:
        catalogue.set_weekly_hours(
            user.id, weekday, [(time(*hours[0]), time(*hours[1]))] if hours else []
        )
    return practitioner


def create_bed(code=None, kind="bed", capacity=1, equipment=()):
    from treatments.services import catalogue

    code = code or f"{kind}-{uuid.uuid4().hex[:6]}"
    name = f"{'治疗床' if kind == 'bed' else '治疗室'} {next(_sequence)}"  # Chinese, as on a ward
    return catalogue.add_resource(code, name, kind, capacity, equipment)
