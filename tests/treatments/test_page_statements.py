"""The patient's treatment pages issue a fixed number of SQL statements (issue 21): the booking
form, a day's free times and the confirm page do not grow with the clinic's practitioners (each
with their hours and a bed), nor "my treatments" with the patient's bookings and course advice;
and every practitioner, booking and course still shows."""

import html
import re
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import unquote

import pytest
from flask import url_for
from sqlalchemy import event

from tcm_app.extensions import db
from tests.factories import (
    create_bed,
    create_encounter,
    create_patient,
    create_practitioner,
    login,
    open_treatment_clinic,
)
from tests.treatments.helpers import at, clinic_today
from treatments.models import Booking, Practitioner
from treatments.services import recommendations
from treatments.services.catalogue import therapy_by_code

FEW, MANY = 2, 8
SURNAMES = "赵钱孙李周吴郑王"


@contextmanager
def statements():
    """The SQL statements sent while the block runs."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def counted_get(client, url) -> tuple[int, str]:
    """Statements of a GET after a first one (which may fill per-process caches), and its text."""
    client.get(url)
    with statements() as seen:
        text = page_text(client.get(url))
    return len(seen), text


def add_practitioners(count: int, first: int) -> list[str]:
    """`count` practitioners named 赵医生, 钱医生 … (from the `first`), each treating 08:00-18:00
    every day with a bed of their own. Their names."""
    names = []
    for n in range(first, first + count):
        practitioner = create_practitioner(hours=((8, 0), (18, 0)))
        practitioner.user.full_name = f"{SURNAMES[n]}医生"
        create_bed(f"bed-{n}")
        names.append(practitioner.user.full_name)
    db.session.commit()
    return names


def form_url(patient) -> str:
    return "/treatments/book"


def times_url(patient) -> str:
    day = (clinic_today() + timedelta(days=1)).isoformat()
    return f"/treatments/book?therapy=tuina&day={day}&patient_id={patient.id}"


def confirm_url(patient) -> str:
    """The confirm page of the first practitioner's 09:00 tomorrow."""
    practitioner_id = db.session.scalar(db.select(Practitioner.user_id).order_by("user_id"))
    start = at(1, 9).isoformat().replace("+", "%2B")
    return (
        f"/treatments/book?therapy=tuina&start={start}"
        f"&practitioner_id={practitioner_id}&patient_id={patient.id}"
    )


def shows_every_name(text: str, names: list[str]) -> bool:
    return all(name in text for name in names)


def shows_the_first_name(text: str, names: list[str]) -> bool:
    return names[0] in text


@pytest.mark.parametrize(
    ("url", "shows"),
    [
        (form_url, shows_every_name),
        (times_url, shows_every_name),
        (confirm_url, shows_the_first_name),
    ],
    ids=[
        "the booking form's statements do not grow with the practitioners",
        "a day's free times' statements do not grow with the practitioners",
        "the confirm page's statements do not grow with the practitioners",
    ],
)
def test_a_booking_page_costs_the_same_statements_for_few_or_many_practitioners(
    app, client, url, shows
):
    open_treatment_clinic()
    patient = create_patient()
    names = add_practitioners(FEW, 0)
    login(client, patient.user)
    few, text = counted_get(client, url(patient))
    assert shows(text, names)
    names += add_practitioners(MANY - FEW, FEW)
    many, text = counted_get(client, url(patient))
    assert shows(text, names)
    assert many == few


def test_each_free_time_links_to_its_confirm_page_as_url_for_builds_it(app, client):
    """The times page builds its links without url_for for each slot: they must be the same."""
    open_treatment_clinic()
    patient = create_patient()
    add_practitioners(3, 0)
    login(client, patient.user)
    text = page_text(client.get(times_url(patient)))
    links = re.findall(r'href="(/treatments/book\?therapy=tuina&start=[^"]+)"', text)
    assert len(links) > 3 * 10  # three practitioners' free day
    with app.test_request_context():
        for link in links:
            query = dict(part.split("=", 1) for part in link.split("?", 1)[1].split("&"))
            start = datetime.fromisoformat(unquote(query["start"]))
            built = url_for(
                "treatments.booking_new",
                therapy="tuina",
                start=start.isoformat(),
                practitioner_id=int(query["practitioner_id"]),
                patient_id=patient.id,
            )
            assert link == built


def add_bookings_and_advice(patient, count: int, first: int) -> None:
    """`count` bookings of the patient, each with another practitioner and bed, half of them
    past; and `count` courses recommended by those practitioners on visits of the patient."""
    therapy = therapy_by_code("acupuncture")
    for n in range(first, first + count):
        practitioner = create_practitioner()
        practitioner.user.full_name = f"{SURNAMES[n]}医生"
        bed = create_bed(f"bed-{n}")
        starts = at(n + 1 if n % 2 else -(n + 1), 10)
        db.session.add(
            Booking(
                patient_id=patient.id,
                therapy_id=therapy.id,
                practitioner_id=practitioner.user_id,
                resource_id=bed.id,
                seat=0,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=therapy.minutes),
                status="booked",
                booked_by_id=patient.user.id,
            )
        )
        encounter = create_encounter(patient=patient, doctor=practitioner.user)
        recommendations.recommend(
            encounter, practitioner.user, "acupuncture", sessions=4, every_days=2
        )
    db.session.commit()


def test_my_treatments_costs_the_same_statements_for_few_or_many_bookings(app, client):
    """…and course recommendations; each booking (its practitioner and bed) and each course
    still shows."""
    open_treatment_clinic()
    patient = create_patient()
    add_bookings_and_advice(patient, FEW, 0)
    login(client, patient.user)
    few, _text = counted_get(client, "/treatments/")
    add_bookings_and_advice(patient, MANY - FEW, FEW)
    many, text = counted_get(client, "/treatments/")
    bookings = db.session.scalars(db.select(Booking)).all()
    assert len(bookings) == MANY
    for booking in bookings:
        assert f"/treatments/bookings/{booking.id}" in text
        assert booking.practitioner.user.full_name in text and booking.resource.name in text
    assert len(re.findall(r"/treatments/courses/\d+/book", text)) == MANY
    assert many == few
