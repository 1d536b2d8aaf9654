"""The throwaway app every benchmark runs on: a migrated database, no CSRF, no rate limits."""

import gc
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The test accounts' passwords as the app stores them (scrypt), not the suite's fast hash: the
# figures include what a sign-in and a signature really cost.
os.environ.setdefault("TCM_TEST_ACCOUNT_HASH", "scrypt")

from tcm_app.app import create_app  # noqa: E402
from tests.factories import IsolatedClient  # noqa: E402


def scatter_bookings(therapy, practitioners, beds, patients, first, *, days, hours, count, seed):
    """`count` booked sessions of `therapy`, each practitioner on their own bed, at whole hours
    (`hours`, clinic time) on random days of the `days` from `first`: the same every run (`seed`).
    Added to the session; the caller commits."""
    import random
    from datetime import datetime, time, timedelta

    from tcm_app.extensions import db
    from treatments.models import Booking
    from treatments.services.availability import to_utc

    rng = random.Random(seed)
    places = [(p, d, h) for p in range(len(practitioners)) for d in range(days) for h in hours]
    for n, (p, d, hour) in enumerate(rng.sample(places, count)):
        starts = to_utc(datetime.combine(first + timedelta(days=d), time(hour)))
        db.session.add(
            Booking(
                patient_id=patients[n % len(patients)].id,
                therapy_id=therapy.id,
                practitioner_id=practitioners[p].user_id,
                resource_id=beds[p].id,
                seat=0,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=therapy.minutes),
                status="booked",
                booked_by_id=patients[0].user.id,
            )
        )


def bench_app(prefix: str):
    """An app on SQLite in a temporary folder (or TCM_BENCH_DATABASE_URL), migrated; the caller
    enters `app.app_context()`."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    url = os.environ.get("TCM_BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "b" * 48,
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_FOLDER": str(tmp / "uploads"),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def import_catalogues() -> None:
    """The shipped herb, formula and therapy catalogues (inside an app context), as every test
    database has them: the demo data prescribes from them."""
    from herbs.services import catalogue, formulas
    from tcm_app.extensions import db
    from treatments.services import catalogue as therapies

    catalogue.import_herbs()
    formulas.import_formulas()
    therapies.import_therapies()
    db.session.commit()


def timed(call, runs: int) -> tuple[float, float, float, int, str]:
    """Median and p95 wall time (ms), median CPU time of this thread (ms, what other load on
    the machine does not inflate), the number of slots found, and the full collections of the
    garbage collector during the runs (they stop every thread of the process)."""
    times, cpu, found = [], [], 0
    with full_collections() as pauses:
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.thread_time()
            found = len(call())
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
    times.sort()
    return (
        statistics.median(times),
        times[int(0.95 * (len(times) - 1))],
        statistics.median(cpu),
        found,
        f"{len(pauses)} full GC passes, {sum(pauses):.0f} ms",
    )


@contextmanager
def full_collections():
    """The length (ms) of each full pass of the garbage collector while the block runs."""
    pauses: list[float] = []
    started = [0.0]

    def watch(phase, info):
        if info["generation"] == 2:
            if phase == "start":
                started[0] = time.perf_counter()
            else:
                pauses.append((time.perf_counter() - started[0]) * 1000)

    gc.callbacks.append(watch)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(watch)
