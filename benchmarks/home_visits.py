"""Home-visit figures (make bench): the free home-visit times over a month, with the travel
buffers around every visit already booked (run on PostgreSQL by make bench as well).

Target (issue 20): 30 days, 10 practitioners, 200 existing home visits: median <= 50 ms.
"""

import gc
import os
import random
from datetime import UTC, datetime, timedelta

from common import bench_app, timed

from tcm_app.extensions import db
from tcm_app.services.patients import add_address
from tests.factories import create_patient, create_practitioner, open_treatment_clinic
from treatments.models import Booking
from treatments.services import availability, catalogue, home_visits

PRACTITIONERS, VISITS, DAYS, RUNS, TRAVEL = 10, 200, 30, 30, 30


def busy_rounds():
    """10 practitioners 08:00-18:00 every day and 200 home visits (travel 30 minutes each way)
    over the next 30 days, written as rows: the search reads bookings, not how they were made."""
    open_treatment_clinic()
    practitioners = [
        create_practitioner(hours=((8, 0), (18, 0)), qualifications=("tuina",))
        for _ in range(PRACTITIONERS)
    ]
    patients = [create_patient(name=f"患者{n}") for n in range(20)]
    addresses = [
        add_address(p, "家属", "13812345678", "北京市 / 北京市 / 朝阳区", "望京 1 号", True, p.user)
        for p in patients
    ]
    therapy = catalogue.therapy_by_code("tuina")
    first = availability.to_local(datetime.now(UTC)).date() + timedelta(days=1)
    rng = random.Random(20)
    # Visits two hours apart at most (a visit and its travel take 100 minutes): no overlaps.
    places = [(p, d, h) for p in range(PRACTITIONERS) for d in range(DAYS) for h in (9, 11, 14, 16)]
    for n, (p, d, hour) in enumerate(rng.sample(places, VISITS)):
        local = datetime.combine(first + timedelta(days=d), datetime.min.time()).replace(hour=hour)
        starts = availability.to_utc(local)
        db.session.add(
            Booking(
                patient_id=patients[n % len(patients)].id,
                therapy_id=therapy.id,
                practitioner_id=practitioners[p].user_id,
                resource_id=None,
                place="home",
                address_id=addresses[n % len(addresses)].id,
                travel_minutes=TRAVEL,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=therapy.home_minutes),
                status="booked",
                booked_by_id=patients[0].user.id,
            )
        )
    db.session.commit()
    return therapy, first, patients[0]


def main() -> None:
    app = bench_app("tcm-bench-home-visits-")
    with app.app_context():
        catalogue.import_therapies()
        db.session.commit()
        print(f"database: {db.engine.dialect.name}")
        therapy, first, patient = busy_rounds()
        last = first + timedelta(days=DAYS - 1)
        now = datetime.now(UTC)
        figures = [
            (
                "all practitioners",
                lambda: home_visits.free_slots(therapy, TRAVEL, first, last, now=now),
            ),
            (
                "all, for a patient",
                lambda: home_visits.free_slots(therapy, TRAVEL, first, last, None, patient.id, now),
            ),
        ]
        for how in ("", ", after gc.freeze()"):
            if how:  # what each gunicorn worker does with the app loaded (deploy/gunicorn.conf.py)
                gc.collect()
                gc.freeze()
            for label, call in figures:
                median, p95, cpu, found, pauses = timed(call, RUNS)
                print(
                    f"home-visit availability, {DAYS} days, {PRACTITIONERS} practitioners, "
                    f"{VISITS} home visits, travel {TRAVEL} min, {label}{how}: median "
                    f"{median:.1f} ms, p95 {p95:.1f} ms, CPU median {cpu:.1f} ms ({found} free "
                    f"starts, {RUNS} runs; {pauses})   target median <= 50 ms"
                )


if __name__ == "__main__":
    os.environ.setdefault("TCM_BENCH", "1")
    main()
