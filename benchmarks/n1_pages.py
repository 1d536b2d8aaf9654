"""CPU and SQL statements of the pages of issue 21's N+1 work, on the load seed
(benchmarks/load/seed.py: 12 doctors, 100 patients with a history): median CPU time of this
thread over RUNS requests (time.thread_time) and the statements of one request, per page.

    scripts/with-postgres.sh bash -c \\
        'TCM_BENCH_DATABASE_URL=$TCM_TEST_PG_URL .venv/bin/python benchmarks/n1_pages.py'

RUNS (default 20) and ONLY (a part of a page's name) in the environment; with HTML_OUT=<folder>
each page's HTML is written there (the clock is frozen, so two runs can be compared)."""

import os
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import time_machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "load"))

import sqlalchemy as sa  # noqa: E402
from accounts import LOAD_PASSWORD, Counts, doctor_name, patient_name, pharmacist_name  # noqa: E402
from common import bench_app  # noqa: E402

from tcm_app.extensions import db  # noqa: E402

RUNS = int(os.environ.get("RUNS", "20"))


def main() -> None:
    import logging

    import seed as load_seed

    from tcm_app.models.accounts import User
    from tcm_app.models.encounters import Encounter
    from tcm_app.models.patients import Patient
    from tcm_app.services.reference_data import load_reference_data

    logging.disable(logging.INFO)  # the seed's notifications
    app = bench_app("tcm-bench-n1-")
    with app.app_context():
        print(f"database: {db.engine.url.get_backend_name()}, {RUNS} runs per page")
        load_reference_data(app)
        load_seed.seed(Counts())
        db.session.commit()
        doctor = db.session.scalar(sa.select(User).where(User.username == doctor_name(1)))
        patient_user = db.session.scalar(sa.select(User).where(User.username == patient_name(1)))
        patient_id = db.session.scalar(
            sa.select(Patient.id).where(Patient.user_id == patient_user.id)
        )
        doctors_visit = db.session.scalar(
            sa.select(Encounter.id)
            .where(Encounter.doctor_id == doctor.id)
            .order_by(Encounter.id.desc())
        )
        patients_visit = db.session.scalar(
            sa.select(Encounter.id).where(Encounter.patient_id == patient_id).order_by(Encounter.id)
        )
        pages = [
            ("doctor: workbench", doctor_name(1), "/workbench"),
            ("pharmacist: review queue", pharmacist_name(1), "/herbs/review"),
            ("doctor: visit", doctor_name(1), f"/encounters/{doctors_visit}"),
            ("patient: visit", patient_name(1), f"/encounters/{patients_visit}"),
            ("patient: consult form", patient_name(1), "/consults/book"),
            ("patient: home", patient_name(1), "/me"),
        ]
        statements = [0]
        sa.event.listen(
            db.engine,
            "before_cursor_execute",
            lambda *_a: statements.__setitem__(0, statements[0] + 1),
        )
        for name, username, url in pages:
            if os.environ.get("ONLY", "") in name:
                measure(app, name, username, url, statements)


def measure(app, name: str, username: str, url: str, statements: list[int]) -> None:
    client = app.test_client()
    assert (
        client.post("/login", data={"username": username, "password": LOAD_PASSWORD}).status_code
        == 302
    )
    for _ in range(3):  # warm: templates compiled, caches filled
        page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    if os.environ.get("HTML_OUT"):
        out = Path(os.environ["HTML_OUT"])
        out.mkdir(parents=True, exist_ok=True)
        (out / (re.sub(r"\W+", "_", name) + ".html")).write_bytes(page.data)
    cpu = []
    for _ in range(RUNS):
        statements[0] = 0
        started = time.thread_time()
        client.get(url)
        cpu.append((time.thread_time() - started) * 1000)
    print(
        f"{name:<26} {url:<20} CPU median {statistics.median(cpu):5.1f} ms   "
        f"{statements[0]:3d} statements"
    )


if __name__ == "__main__":
    with time_machine.travel(datetime(2026, 12, 7, 2, 0, tzinfo=UTC), tick=False):
        main()
