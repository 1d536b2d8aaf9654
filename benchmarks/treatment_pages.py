"""The patient's treatment booking pages (make bench; issue 21): CPU time and SQL statements per
request of the form, the free times of a day, the confirm page, booking and my treatments, on a
clinic like the load seed's (benchmarks/load/seed.py): 12 practitioners treating 08:00-21:00
every day with a bed each, 100 patients, some bookings over the next fortnight.

`--sql` prints each statement of one request of each page (what an N+1 looks like)."""

import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from common import bench_app, import_catalogues, scatter_bookings
from sqlalchemy import event, func, select

from tcm_app.extensions import db
from tests.factories import (
    create_bed,
    create_patient,
    create_practitioner,
    login,
    open_treatment_clinic,
)
from tests.treatments.helpers import NO
from treatments.models import Booking
from treatments.services import availability, catalogue

PRACTITIONERS, PATIENTS, BOOKINGS, DAYS, RUNS = 12, 100, 300, 14, 20


def load_like_clinic():
    """The load seed's treating clinic, plus bookings spread over the next fortnight."""
    open_treatment_clinic(hours=((8, 0), (21, 0)))
    practitioners = [create_practitioner(hours=((8, 0), (21, 0))) for _ in range(PRACTITIONERS)]
    beds = [create_bed(f"load-bed-{n}") for n in range(PRACTITIONERS)]
    patients = [create_patient(name=f"患者{n}") for n in range(PATIENTS)]
    therapy = catalogue.therapy_by_code("tuina")
    first = availability.to_local(datetime.now(UTC)).date() + timedelta(days=1)
    scatter_bookings(
        therapy, practitioners, beds, patients, first,
        days=DAYS, hours=range(8, 20), count=BOOKINGS, seed=21,
    )  # fmt: skip
    db.session.commit()
    return patients[-1], first


class Statements:
    """Counts (and with `echo` prints) the statements sent to the database."""

    def __init__(self, echo=False):
        self.count, self.echo = 0, echo

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        if self.echo:
            print(f"    [{self.count}] {' '.join(statement.split())[:300]}")


def measure(client, label, call, echo=False) -> None:
    """`call(n)` makes the request (n: the run, for a request that may be made only once)."""
    counter = Statements()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        call(RUNS + 1)  # warm: templates compiled, caches filled
        cpu = []
        for n in range(RUNS):
            counter.count = 0
            started = time.thread_time()
            response = call(n)
            cpu.append((time.thread_time() - started) * 1000)
            assert response.status_code in (200, 302), (label, response.status_code)
        statements = counter.count
        if echo:
            print(f"  {label}:")
            counter.echo, counter.count = True, 0
            call(RUNS + 2)
            counter.echo = False
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    print(
        f"  {label:<34} {statistics.median(cpu):6.1f} ms CPU (median)  {statements:4d} statements"
    )


def main() -> None:
    echo = "--sql" in sys.argv
    app = bench_app("tcm-bench-treatment-pages-")
    with app.app_context():
        import_catalogues()
        patient, first = load_like_clinic()
        client = app.test_client()
        login(client, patient.user)
        day = (first + timedelta(days=3)).isoformat()
        times_url = f"/treatments/book?therapy=tuina&day={day}&patient_id={patient.id}"
        page = client.get(times_url).get_data(as_text=True)
        start = page.index("/treatments/book?therapy=tuina&amp;start=")
        confirm_url = page[start : page.index('"', start)].replace("&amp;", "&")
        print(
            f"Treatment booking pages ({db.engine.dialect.name}, {PRACTITIONERS} practitioners "
            f"08:00-21:00, {PATIENTS} patients, {BOOKINGS} bookings; CPU of the request's "
            f"thread, median of {RUNS}):"
        )
        measure(client, "patient: treatment form", lambda n: client.get("/treatments/book"), echo)
        measure(client, "patient: treatment times", lambda n: client.get(times_url), echo)
        measure(client, "patient: treatment confirm", lambda n: client.get(confirm_url), echo)
        places = bookable(patient, first)
        measure(client, "patient: book treatment", lambda n: book(client, places[n]), echo)
        booking = f"/treatments/bookings/{db.session.scalar(select(func.max(Booking.id)))}"
        measure(client, "patient: booking", lambda n: client.get(booking), echo)
        measure(client, "patient: treatments", lambda n: client.get("/treatments/"), echo)


def bookable(patient, first) -> list[dict]:
    """Free places of the patient's, hours apart (the patient cannot be in two places)."""
    therapy = catalogue.therapy_by_code("tuina")
    places = []
    for n in range(RUNS + 3):
        day = first + timedelta(days=n % DAYS)
        slots = availability.free_slots(therapy, day, day, None, patient.id)
        later = slots[0].starts_at + timedelta(hours=4 * (n // DAYS))
        slot = next(s for s in slots if s.starts_at >= later)
        places.append(
            {
                "therapy": "tuina",
                "start": slot.starts_at.isoformat(),
                "practitioner_id": slot.practitioner_id,
                "patient_id": patient.id,
                **dict.fromkeys(NO, "no"),
            }
        )
    return places


def book(client, place):
    response = client.post("/treatments/book", data=place)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


if __name__ == "__main__":
    main()
