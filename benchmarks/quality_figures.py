"""Daily-figures figure (make bench, issue 19): one clinic day with 200 doctors in 10
departments and 100,000 completed visits (all on the day: the worst case), 30,000 text consults
answered and 2,000 closed unanswered, 30,000 video calls, 40,000 ratings, 500 complaints, 20,000
signed prescriptions of which 4,000 renewals; the rows go in by bulk inserts. Timed: computing
the day's figures per doctor, department and hospital (quality/services/figures.py: one GROUP BY
per source, the run and its rows kept), then reading them back and writing the CSV export.

Target: the computation <= 5 s on PostgreSQL (TCM_BENCH_DATABASE_URL, scripts/with-postgres.sh).
"""

import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from common import bench_app
from sqlalchemy import insert, select

from consults.models import ConsultCall, TextConsult
from herbs.models import Prescription, PrescriptionRenewal
from quality.models import Complaint, Rating
from quality.services import export, figures
from tcm_app.extensions import db
from tcm_app.models.accounts import Department, DoctorProfile, User
from tcm_app.models.encounters import Encounter
from tcm_app.services.clock import clinic_zone
from tests.factories import create_patient

DOCTORS, DEPARTMENTS, VISITS, PATIENTS = 200, 10, 100_000, 20
TEXT, UNANSWERED, VIDEO, RATINGS, COMPLAINTS = 30_000, 2_000, 30_000, 40_000, 500
PRESCRIPTIONS, RENEWALS = 20_000, 4_000
DAY = date(2026, 11, 30)
CHUNK = 5_000
RUNS = 3


def bulk(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])


def ids_of(column) -> list[int]:
    return list(db.session.scalars(select(column).order_by(column)))


def seed_staff() -> tuple[list[int], dict[int, int]]:
    bulk(Department, [{"code": f"dept{i}", "name": f"科室{i}", "name_en": f"Dept {i}"}
                      for i in range(DEPARTMENTS)])  # fmt: skip
    departments = ids_of(Department.id)
    bulk(User, [{"username": f"bench-dr-{i}", "password_hash": "x", "role": "doctor",
                 "full_name": f"医生{i}"} for i in range(DOCTORS)])  # fmt: skip
    doctors = list(db.session.scalars(select(User.id).where(User.role == "doctor")))
    home = {d: departments[i % DEPARTMENTS] for i, d in enumerate(doctors)}
    bulk(DoctorProfile, [{"user_id": d, "licence_number": f"11000{d:06d}", "title": "主治医师",
                          "department_id": home[d], "years_independent_practice": 5,
                          "online_enabled": True} for d in doctors])  # fmt: skip
    return doctors, home


def seed_visits(rng, doctors, home, patients, start) -> list[tuple[int, int, int]]:
    rows = []
    for i in range(VISITS):
        doctor = doctors[i % DOCTORS]
        patient_id, user_id = patients[i % PATIENTS]
        began = start + timedelta(seconds=rng.randint(0, 80_000))
        rows.append({
            "patient_id": patient_id, "doctor_id": doctor, "department_id": home[doctor],
            "kind": "online_followup", "status": "completed", "requested_by_id": user_id,
            "scheduled_on": DAY, "started_at": began,
            "completed_at": began + timedelta(seconds=rng.randint(300, 2400)), "version": 1,
        })  # fmt: skip
    bulk(Encounter, rows)
    found = db.session.execute(
        select(Encounter.id, Encounter.doctor_id, Encounter.patient_id).order_by(Encounter.id)
    )
    return [tuple(row) for row in found]


def seed_responses(rng, visits, users, start) -> None:
    threads = []
    for n, (encounter_id, _doctor, patient_id) in enumerate(visits[: TEXT + UNANSWERED]):
        opened = start + timedelta(seconds=rng.randint(0, 40_000))
        unanswered = n >= TEXT
        replied = None if unanswered else opened + timedelta(seconds=rng.randint(60, 7200))
        threads.append({
            "encounter_id": encounter_id, "opened_by_id": users[patient_id], "opened_at": opened,
            "reply_due_at": opened + timedelta(hours=24), "first_reply_at": replied,
            "last_message_at": replied or opened, "status": "closed" if unanswered else "open",
            "closed_at": opened + timedelta(hours=10) if unanswered else None,
            "close_reason": "unanswered" if unanswered else None, "version": 1,
        })  # fmt: skip
    bulk(TextConsult, threads)
    calls = []
    for encounter_id, _doctor, _patient in visits[TEXT + UNANSWERED : TEXT + UNANSWERED + VIDEO]:
        waiting = start + timedelta(seconds=rng.randint(0, 80_000))
        calls.append({"encounter_id": encounter_id, "waiting_since": waiting,
                      "started_at": waiting + timedelta(seconds=rng.randint(5, 900))})  # fmt: skip
    bulk(ConsultCall, calls)


def seed_ratings_and_complaints(rng, visits, users, home, start) -> None:
    bulk(Rating, [{
        "subject_type": "encounter", "subject_id": e, "patient_id": p, "doctor_id": d,
        "department_id": home[d], "score": rng.randint(1, 5), "comment": "",
        "rated_by_id": users[p], "rated_at": start + timedelta(seconds=rng.randint(0, 86_000)),
        "removed_at": start + timedelta(hours=23) if n % 100 == 0 else None, "version": 1,
    } for n, (e, d, p) in enumerate(rng.sample(visits, RATINGS))])  # fmt: skip
    filed = start + timedelta(hours=12)
    bulk(Complaint, [{
        "patient_id": p, "filed_by_id": users[p], "subject_type": "encounter", "subject_id": e,
        "doctor_id": d, "department_id": home[d], "text": "等待太久", "filed_at": filed,
        "due_at": filed + timedelta(days=7), "status": "filed", "version": 1,
    } for e, d, p in rng.sample(visits, COMPLAINTS)])  # fmt: skip


def seed_prescriptions(rng, visits, users, start) -> None:
    chosen = visits[:PRESCRIPTIONS]
    bulk(Prescription, [{
        "encounter_id": e, "patient_id": p, "doctor_id": d, "status": "pending_review",
        "signed_at": start + timedelta(seconds=rng.randint(0, 86_000)),
        "verify_token": uuid.uuid4().hex, "version": 1,
    } for e, d, p in chosen])  # fmt: skip
    rx = list(
        db.session.execute(
            select(Prescription.id, Prescription.encounter_id, Prescription.patient_id).order_by(
                Prescription.id
            )
        )
    )
    bulk(PrescriptionRenewal, [{
        "source_id": rx[n - 1][0] if n else rx[-1][0], "encounter_id": encounter_id,
        "patient_id": patient_id, "update_text": "", "status": "renewed",
        "requested_by_id": users[patient_id], "new_prescription_id": rx_id, "version": 1,
    } for n, (rx_id, encounter_id, patient_id) in enumerate(rx[:RENEWALS])])  # fmt: skip


def seed() -> None:
    rng = random.Random(19)
    start = datetime.combine(DAY, clock_time(0), clinic_zone()).astimezone(UTC)
    made = [create_patient(name=f"患者{i}") for i in range(PATIENTS)]
    db.session.commit()
    patients = [(p.id, p.user_id) for p in made]
    users = dict(patients)
    doctors, home = seed_staff()
    visits = seed_visits(rng, doctors, home, patients, start)
    seed_responses(rng, visits, users, start)
    seed_ratings_and_complaints(rng, visits, users, home, start)
    seed_prescriptions(rng, visits, users, start)
    db.session.commit()


def figures_figure() -> None:
    app = bench_app("bench-quality-")
    with app.app_context():
        began = time.perf_counter()
        seed()
        print(f"quality figures: seeded {VISITS:,} visits, {DOCTORS} doctors in "
              f"{time.perf_counter() - began:.1f} s ({db.engine.dialect.name})")  # fmt: skip
        computing, reading = [], []
        for _ in range(RUNS):
            began = time.perf_counter()
            run = figures.compute(DAY, "bench")
            db.session.commit()
            computing.append(time.perf_counter() - began)
            began = time.perf_counter()
            rows = figures.rows_of(run)
            export.as_csv(run)
            reading.append(time.perf_counter() - began)
        hospital = rows[0].figures
        assert hospital["visits"] == VISITS and hospital["missed_responses"] == UNANSWERED
        assert hospital["responses"] == TEXT + VIDEO and hospital["renewals"] == RENEWALS
        assert len(rows) == 1 + DEPARTMENTS + DOCTORS
        print(
            f"quality daily figures (200 doctors, 100,000 visits): compute median "
            f"{statistics.median(computing):.2f} s, best {min(computing):.2f} s "
            f"(target <= 5 s on PostgreSQL); read back + CSV {statistics.median(reading):.3f} s"
        )


if __name__ == "__main__":
    figures_figure()
