"""Demo data: one account per role, departments, a family, and visits in several states; then
each installed domain adds its part (registered in its setup.py with add_demo_seed)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypedDict

import cv2
import numpy as np
from flask import current_app
from werkzeug.security import generate_password_hash

from tcm_app.common.resident_id import build_resident_id, parse_resident_id
from tcm_app.extensions import db
from tcm_app.models.accounts import Department, DoctorProfile, PharmacistProfile, Role, User
from tcm_app.models.patients import (
    Address,
    FamilyRelation,
    GuardianRelation,
    Patient,
    PregnancyStatus,
)
from tcm_app.services import codes, documents, elder_mode, encounters, family_proxies, patients
from tcm_app.services.clock import clinic_today

DEMO_SIGNING_PASSWORD = "tcm-sign"
DEMO_PASSWORD = "tcm-demo"


# The demo patient's diagnosis (epigastric pain, worse with cold food, loose stools).
class DemoDiagnosis(TypedDict):
    disease_name: str
    syndrome_name: str
    treatment_method: str


DEMO_DIAGNOSIS: DemoDiagnosis = {
    "disease_name": "胃络痛",
    "syndrome_name": "脾阳虚证",
    "treatment_method": "温中散寒",
}

DEPARTMENTS = [
    ("tcm_internal", "中医内科", "Internal Medicine (TCM)"),
    ("spleen_stomach", "脾胃病科", "Spleen and Stomach Diseases"),
    ("gynaecology", "中医妇科", "Gynaecology (TCM)"),
    ("paediatrics", "中医儿科", "Paediatrics (TCM)"),
    ("dermatology", "皮肤科", "Dermatology"),
    ("acupuncture", "针灸科", "Acupuncture"),
    ("tuina", "推拿科", "Tuina (Massage)"),
    ("preventive", "治未病科", "Preventive Care (治未病)"),
]

STAFF = [
    ("demo-doctor", Role.DOCTOR, "张明远"),
    ("demo-pharmacist", Role.PHARMACIST, "李华"),
    ("demo-decoction", Role.DECOCTION, "赵师傅"),
    ("demo-decoction2", Role.DECOCTION, "孙师傅"),  # the second person who checks (复核)
    ("demo-clinic", Role.CLINIC, "陈静"),
    ("demo-therapist", Role.CLINIC, "刘建国"),
    ("demo-admin", Role.ADMIN, "系统管理员"),
    ("demo-quality", Role.QUALITY, "周敏"),
]

# The elderly mode's demo (issue 22): an elder and the son who acts for her with her consent.
ELDER = "demo-elder"
FAMILY = "demo-family"


@dataclass(frozen=True)
class DemoWorld:
    """What the core's demo made, for the domains' demo seeds to build on."""

    patient: Patient  # 王丽, the account demo-patient
    address: Address  # her delivery address
    doctor: User  # demo-doctor, online care enabled
    staff: dict[str, User]  # every staff account by username
    record_image: bytes  # a PNG outpatient record, the proof of an in-person diagnosis
    signing_password: str = DEMO_SIGNING_PASSWORD  # demo-doctor's and demo-pharmacist's
    # The demo patient's diagnosis (record_diagnosis keywords).
    diagnosis: dict = field(default_factory=lambda: dict(DEMO_DIAGNOSIS))
    # 陈桂兰, the account demo-elder: 长辈模式 on, a visit today; the domains add her medicine on
    # its way (decoction) and her next treatment (treatments), so each large button leads
    # somewhere. Her son 刘志刚 (demo-family) acts for her with her consent (家人代办).
    elder: Patient | None = None
    elder_address: Address | None = None


@dataclass(frozen=True)
class DemoSeed:
    seed: Callable[[DemoWorld], None]  # adds the domain's demo rows; flushes, never commits
    order: int  # when it runs after the core's part, smallest first (later seeds build on it)


def add_demo_seed(app, seed: Callable[[DemoWorld], None], order: int) -> None:
    app.extensions.setdefault("demo_seeds", []).append(DemoSeed(seed, order))


def _account(username: str, role: Role, full_name: str, password_hash: str) -> User:
    # The demo password is deliberately simple and bypasses the policy; never in production.
    user = User(username=username, role=role, full_name=full_name, password_hash=password_hash)
    db.session.add(user)
    return user


def _demo_record_image() -> bytes:
    image = np.full((900, 700, 3), 255, np.uint8)
    for row, text in enumerate(
        [
            "OUTPATIENT RECORD (DEMO)",
            "Diagnosis: epigastric pain",
            "Pattern: spleen-stomach deficiency cold",
            "Signed: Dr. Zhang",
        ]
    ):
        cv2.putText(
            image, text, (40, 120 + 80 * row), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (40, 40, 40), 2
        )
    return cv2.imencode(".png", image)[1].tobytes()


def seed_demo() -> str:
    """Create the demo world; the caller commits. Refuses a production configuration."""
    if current_app.config["ENV_NAME"] == "production":
        raise RuntimeError("demo data is never created in production")
    codes.import_starter_set_if_empty()  # GB/T 15657-2021 starter set for the diagnosis picker
    departments = {
        code: Department(code=code, name=name, name_en=en) for code, name, en in DEPARTMENTS
    }
    db.session.add_all(departments.values())
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one scrypt run serves every account
    staff = {u: _account(u, role, name, password_hash) for u, role, name in STAFF}
    db.session.add(
        DoctorProfile(
            user=staff["demo-doctor"],
            licence_number="110440100012345",
            title="associate_chief",
            department=departments["spleen_stomach"],
            years_independent_practice=12,
            online_enabled=True,
        )
    )
    db.session.add(PharmacistProfile(user=staff["demo-pharmacist"], licence_number="YS-2019-0321"))
    db.session.flush()

    today = clinic_today()
    mother_user = _account("demo-patient", Role.PATIENT, "王丽", password_hash)
    mother = patients.create_patient_record(
        "王丽",
        parse_resident_id(build_resident_id("110105", date(1988, 3, 14), 21, "female"), today),
        "13812345678",
    )
    mother.user = mother_user
    db.session.flush()
    patients.set_pregnancy_status(mother, PregnancyStatus.NOT_PREGNANT, mother_user)
    address = patients.add_address(
        mother,
        "王丽",
        "13812345678",
        "北京市 朝阳区",
        "望京街道 阜通东大街 6 号院 3 号楼 1201",
        True,
        mother_user,
    )
    child_id = build_resident_id(
        "110105", today.replace(year=today.year - 4) - timedelta(days=40), 33, "male"
    )
    child = patients.add_ward(mother, "王小宝", child_id, GuardianRelation.PARENT, mother_user)

    doctor = staff["demo-doctor"]
    earlier = encounters.request_encounter(
        staff["demo-clinic"],
        mother,
        doctor,
        "in_person",
        "胃脘隐痛两月，喜温喜按",
        today - timedelta(days=30),
    )
    encounters.start_encounter(earlier, doctor)
    encounters.record_four_exam_notes(
        earlier,
        doctor,
        {
            "inspection_note": "面色萎黄，舌淡苔白",
            "inquiry_note": "胃脘隐痛，食冷加重，大便溏",
            "palpation_note": "脉沉细",
        },
    )
    # Coded by name from GB/T 15657-2021: 胃络痛 A04.03.14, 脾阳虚证 B04.03.01.03.03, 温中散寒
    # (胃脘痛 is only a temporary term there, A17.30 胃痛, and cannot complete a visit).
    encounters.record_diagnosis(earlier, doctor, **DEMO_DIAGNOSIS)
    encounters.complete_encounter(earlier, doctor)

    followup = encounters.request_encounter(
        mother_user, mother, doctor, "online_followup", "服药后胃痛减轻，希望复诊续方", today
    )
    documents.add_document(
        followup,
        mother_user,
        "outpatient_record",
        "门诊病历.png",
        _demo_record_image(),
        today - timedelta(days=30),
    )
    # Ready to prescribe: the doctor has started the follow-up, accepted the proof, diagnosed.
    encounters.start_encounter(followup, doctor)
    encounters.decide_eligibility(
        followup, doctor, "eligible", "门诊病历明确诊断胃络痛（脾阳虚证）"
    )
    encounters.record_diagnosis(followup, doctor, **DEMO_DIAGNOSIS)
    signing_hash = generate_password_hash(DEMO_SIGNING_PASSWORD)
    for username in ("demo-doctor", "demo-pharmacist"):
        staff[username].signing_password_hash = signing_hash
    encounters.request_encounter(
        mother_user, child, doctor, "online_consultation", "孩子食欲差两周，想咨询饮食调理", today
    )
    elder, elder_address = _seed_elder(staff, password_hash)
    world = DemoWorld(
        mother,
        address,
        doctor,
        staff,
        _demo_record_image(),
        elder=elder,
        elder_address=elder_address,
    )
    for demo_seed in sorted(current_app.extensions.get("demo_seeds", []), key=lambda d: d.order):
        demo_seed.seed(world)
    return (
        "demo data created: 8 departments, accounts demo-patient, demo-doctor, demo-pharmacist, "
        "demo-decoction, demo-decoction2, demo-clinic, demo-therapist, demo-admin, demo-quality, "
        f"{ELDER} (elderly mode on) and {FAMILY} (acts for {ELDER} with her consent) "
        f"(password {DEMO_PASSWORD}; "
        f"signing password of demo-doctor and demo-pharmacist {DEMO_SIGNING_PASSWORD})"
    )


def _seed_elder(staff: dict[str, User], password_hash: str) -> tuple[Patient, Address]:
    """陈桂兰 (78, demo-elder) with 长辈模式 switched on and an in-person visit today at the
    desk; her son 刘志刚 (demo-family), whom she named to act for her (家人代办)."""
    today = clinic_today()
    elder_user = _account(ELDER, Role.PATIENT, "陈桂兰", password_hash)
    elder = patients.create_patient_record(
        "陈桂兰",
        parse_resident_id(
            build_resident_id("110105", today.replace(year=today.year - 78, day=1), 42, "female"),
            today,
        ),
        "13911112222",
    )
    elder.user = elder_user
    son_user = _account(FAMILY, Role.PATIENT, "刘志刚", password_hash)
    son = patients.create_patient_record(
        "刘志刚",
        parse_resident_id(build_resident_id("110105", date(1972, 9, 8), 51, "male"), today),
        "13933334444",
    )
    son.user = son_user
    db.session.flush()
    elder_mode.set_elder_mode(elder_user, True)
    address = patients.add_address(
        elder,
        "陈桂兰",
        "13911112222",
        "北京市 朝阳区",
        "和平街 12 号院 2 号楼 301",
        True,
        elder_user,
    )
    encounters.request_encounter(
        staff["demo-clinic"],
        elder,
        staff["demo-doctor"],
        "in_person",
        "腰膝酸软，夜尿频多，复诊",
        today,
    )
    family_proxies.grant(elder, FAMILY, "刘志刚", FamilyRelation.CHILD, True, elder_user)
    return elder, address
