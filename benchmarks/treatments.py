"""Treatment booking figures (make bench): the availability search over a busy month, and many
requests racing for the last free place of a slot (run on PostgreSQL by make bench as well).

Targets (issue 7): 30 days, 20 practitioners, 30 beds, 2,000 bookings: median <= 50 ms; issue 21:
<= 30 ms without pausing the garbage collector. Printed twice: as the process is, and after
gc.freeze() as a gunicorn worker does (deploy/gunicorn.conf.py), with the collector's full passes.
100 concurrent requests for the last free place: exactly one succeeds, the rest get a clear
conflict, no errors.
"""

import gc
import os
import threading
import time
from datetime import UTC, date, datetime, timedelta

from common import bench_app, scatter_bookings, timed
from sqlalchemy import func, select

from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.patients import Patient
from tests.factories import (
    bearer,
    create_bed,
    create_patient,
    create_practitioner,
    open_treatment_clinic,
)
from treatments.models import Booking, BookingCell
from treatments.services import availability, bookings, catalogue

PRACTITIONERS, BEDS, BOOKINGS, DAYS, RUNS = 20, 30, 2000, 30, 30
RACERS = 100
NO = dict.fromkeys(["pregnant", "bleeding_risk", "skin_lesion_at_site", "severe_illness"], False)


def busy_clinic():
    """20 practitioners 08:00-18:00 every day, 30 beds, 2,000 bookings over the next 30 days
    (written as rows: the search reads bookings, not how they were made)."""
    open_treatment_clinic()
    practitioners = [
        create_practitioner(hours=((8, 0), (18, 0)), qualifications=("acupuncture",))
        for _ in range(PRACTITIONERS)
    ]
    beds = [create_bed(f"bench-bed-{n}") for n in range(BEDS)]
    patients = [create_patient(name=f"患者{n}") for n in range(50)]
    therapy = catalogue.therapy_by_code("acupuncture")
    first = availability.to_local(datetime.now(UTC)).date() + timedelta(days=1)
    scatter_bookings(
        therapy, practitioners, beds, patients, first,
        days=DAYS, hours=range(8, 18), count=BOOKINGS, seed=7,
    )  # fmt: skip
    db.session.commit()
    return therapy, first, practitioners, patients[0]


def bench_search(app, therapy, first, practitioners, patient) -> None:
    bench_free_slots(therapy, first, practitioners, patient, "")
    # What each gunicorn worker does once the app is loaded (deploy/gunicorn.conf.py).
    gc.collect()
    gc.freeze()
    bench_free_slots(therapy, first, practitioners, patient, ", after gc.freeze()")
    last = first + timedelta(days=DAYS - 1)
    headers = bearer(patient.user)
    query = {"therapy": therapy.code, "from": first.isoformat(), "to": last.isoformat()}
    client = app.test_client()
    started = time.perf_counter()
    response = client.get("/api/v1/treatments/availability", headers=headers, query_string=query)
    elapsed = (time.perf_counter() - started) * 1000
    print(
        f"availability over HTTP (GET /api/v1/treatments/availability, 30 days, as a patient): "
        f"{elapsed:.0f} ms, status {response.status_code}, "
        f"{len(response.get_json().get('items', []))} slots (for information)"
    )


def bench_free_slots(therapy, first, practitioners, patient, how: str) -> None:
    last = first + timedelta(days=DAYS - 1)
    now = datetime.now(UTC)
    one = practitioners[0].user_id
    figures = [
        ("all 20 practitioners", lambda: availability.free_slots(therapy, first, last, now=now)),
        ("one practitioner", lambda: availability.free_slots(therapy, first, last, one, now=now)),
        (
            "all, for a patient",
            lambda: availability.free_slots(therapy, first, last, None, patient.id, now),
        ),
    ]
    for label, call in figures:
        median, p95, cpu, found, pauses = timed(call, RUNS)
        print(
            f"availability, {DAYS} days, {PRACTITIONERS} practitioners, {BEDS} beds, "
            f"{BOOKINGS} bookings, {label}{how}: median {median:.1f} ms, p95 {p95:.1f} ms, "
            f"CPU median {cpu:.1f} ms ({found} free slots, {RUNS} runs; {pauses})"
            "   target median <= 30 ms"
        )


def attempt(app, user_id, patient_id, wanted, results, barrier) -> None:
    """One request: its own app context and session, released with all the others."""
    with app.app_context():
        barrier.wait()
        try:
            user = db.session.get(User, user_id)
            patient = db.session.get(Patient, patient_id)
            therapy = catalogue.therapy_by_code(wanted["therapy"])
            request = bookings.Request(therapy, wanted["start"], wanted["practitioner_id"], NO)
            bookings.book(user, patient, request)
            db.session.commit()
            results.append("booked")
        except TCMError as exc:
            db.session.rollback()
            results.append(exc.code)
        except Exception as exc:
            db.session.rollback()
            results.append(f"error {type(exc).__name__}")
        finally:
            db.session.remove()


def bench_last_place(app, therapy, first, practitioners) -> None:
    """100 patients ask for the same practitioner's last free start of a day at once."""
    practitioner = practitioners[-1].user_id
    day = first + timedelta(days=2)
    free = availability.free_slots(therapy, day, day, practitioner)
    wanted = {"therapy": therapy.code, "start": free[-1].starts_at, "practitioner_id": practitioner}
    born = [date(1970, 1, 1) + timedelta(days=n) for n in range(RACERS)]  # unique id numbers
    racers = [(p.user.id, p.id) for p in (create_patient(b, name="抢号") for b in born)]
    db.session.commit()
    db.session.remove()
    results: list = []
    barrier = threading.Barrier(RACERS)
    threads = [
        threading.Thread(target=attempt, args=(app, uid, pid, wanted, results, barrier))
        for uid, pid in racers
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    at_start = select(func.count(Booking.id)).where(
        Booking.practitioner_id == practitioner, Booking.starts_at == wanted["start"]
    )
    stored = db.session.scalar(at_start)
    cells = db.session.scalar(select(func.count(BookingCell.id)))
    conflicts = sum(r in ("slot_taken", "patient_busy") for r in results)
    errors = [r for r in results if r.startswith("error")]
    outcome = {code: results.count(code) for code in sorted(set(results))}
    print(
        f"last free place: {RACERS} concurrent requests in {elapsed:.2f} s: "
        f"succeeded {results.count('booked')} (must be 1), clear conflicts {conflicts}, "
        f"errors {len(errors)} (must be 0); bookings stored there {stored}, "
        f"cells {cells}; {outcome}"
    )


def main() -> None:
    app = bench_app("tcm-bench-treatments-")
    with app.app_context():
        catalogue.import_therapies()
        db.session.commit()
        print(f"database: {db.engine.dialect.name}")
        therapy, first, practitioners, patient = busy_clinic()
        bench_search(app, therapy, first, practitioners, patient)
        bench_last_place(app, therapy, first, practitioners)


if __name__ == "__main__":
    os.environ.setdefault("TCM_BENCH", "1")
    main()
