"""A phone consult (电话问诊) where visits are listed: the doctor's workbench, the desk, the patient
record and the patient's home show on each row whether a call was asked for, tried without
reaching the patient, under way or held, so the doctor calls instead of opening the video. The
rows' phone events are read in one query for the whole list, and the visit page reads them with
the visit (no query of the consult panel's own)."""

import re

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import selectinload

from consults import phone_rules
from consults.services import phone
from tcm_app.extensions import db
from tcm_app.models.encounters import Encounter
from tcm_app.panels import visit_row_loads
from tests.consults.test_phone_consult import book
from tests.factories import create_doctor, create_encounter, create_patient, create_user, login
from tests.statement_count import statements_of

R, S, E, N = phone_rules.REQUESTED, phone_rules.STARTED, phone_rules.ENDED, phone_rules.NOT_REACHED


@pytest.mark.parametrize(
    ("events", "shown"),
    [
        pytest.param([], "none", id="nothing-asked-shows-nothing"),
        pytest.param([R], "waiting", id="asked-shows-a-call-pending"),
        pytest.param([R, N], "not_reached", id="a-failed-try-shows-not-reached"),
        pytest.param([R, N, N], "not_reached", id="two-failed-tries-still-not-reached"),
        pytest.param([R, N, S], "in_call", id="reached-on-the-second-try-shows-in-call"),
        pytest.param([R, S, E], "held", id="started-then-ended-shows-held"),
        pytest.param([N, R], "waiting", id="a-try-before-the-request-counts-for-nothing"),
        pytest.param(["joined", R, "left"], "waiting", id="video-events-do-not-count"),
    ],
)
def test_what_a_list_shows_of_the_phone_consult(events, shown):
    assert phone_rules.shown_state(events) == shown


# --- the loader: one query for the phone events of a whole list -------------------------------


def count_statements(run) -> int:
    count = 0

    def one_more(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", one_more)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", one_more)
    return count


def visits_with_phone_calls(doctor, how_many: int) -> list[Encounter]:
    """`how_many` booked visits of one doctor, each with a phone call asked for; every second
    one also tried and not reached."""
    made = []
    for number in range(how_many):
        visit = book(create_encounter(patient=create_patient(), doctor=doctor))
        phone.request_phone(visit, visit.patient.user)
        if number % 2:
            phone.record_call(visit, doctor, "not_reached")
        made.append(visit)
    db.session.commit()
    return made


@pytest.mark.parametrize("how_many", [1, 6], ids=["one-visit", "six-visits"])
def test_a_list_reads_the_phone_events_of_all_its_rows_in_one_query(app, how_many):
    doctor = create_doctor()
    visits_with_phone_calls(doctor, how_many)
    db.session.expire_all()
    with app.test_request_context():
        statement = (
            select(Encounter)
            .where(Encounter.doctor_id == doctor.id)
            .options(selectinload(Encounter.phone_events))
        )
        rows: list[Encounter] = []
        reads = count_statements(lambda: rows.extend(db.session.scalars(statement)))
        shown: list[str] = []
        later = count_statements(lambda: shown.extend(phone.shown_state(e) for e in rows))
    assert reads == 2  # the visits, then the phone events of them all
    assert later == 0  # the rows ask nothing more
    expected = ["not_reached" if number % 2 else "waiting" for number in range(how_many)]
    assert sorted(shown) == sorted(expected)


def test_the_visit_row_loads_include_the_phone_events(app):
    doctor = create_doctor()
    [visit] = visits_with_phone_calls(doctor, 1)
    db.session.expire_all()
    with app.test_request_context():
        statement = select(Encounter).where(Encounter.id == visit.id).options(*visit_row_loads())
        [row] = db.session.scalars(statement).all()
        asked = count_statements(lambda: phone.shown_state(row))
    assert asked == 0 and phone.shown_state(row) == "waiting"


def test_the_state_read_with_the_visit_follows_a_call_recorded_afterwards(app):
    doctor = create_doctor()
    [visit] = visits_with_phone_calls(doctor, 1)
    assert phone.shown_state(visit) == "waiting"  # read now, then a call is recorded
    phone.record_call(visit, doctor, "started")
    assert phone.shown_state(visit) == "in_call"
    assert phone.phone_consult_for(visit, doctor).state == "in_call"


# --- the pages ----------------------------------------------------------------------------------


def queue_row(page: str, name: str) -> str:
    """The workbench row of the patient called `name`."""
    rows = re.findall(r"<tr[^>]*>.*?</tr>", page, re.S)
    return next(row for row in rows if name in row)


def test_the_workbench_shows_which_visits_are_held_by_phone(app, client):
    doctor = create_doctor()
    asked = book(create_encounter(patient=create_patient(name="王一"), doctor=doctor))
    tried = book(create_encounter(patient=create_patient(name="李二"), doctor=doctor))
    book(create_encounter(patient=create_patient(name="张三"), doctor=doctor))
    for visit in (asked, tried):
        phone.request_phone(visit, visit.patient.user)
    phone.record_call(tried, doctor, "not_reached")
    db.session.commit()
    login(client, doctor)
    page = client.get("/workbench").get_data(as_text=True)
    assert "电话问诊：待通话" in queue_row(page, "王一")
    assert "电话问诊：未接通" in queue_row(page, "李二")
    assert "电话问诊" not in queue_row(page, "张三")


def test_the_workbench_statements_do_not_grow_with_phone_consults(app, client):
    doctor = create_doctor()
    login(client, doctor)
    visits_with_phone_calls(doctor, 1)
    few, page = statements_of(client, "/workbench")
    assert page.count("电话问诊：") == 1
    visits_with_phone_calls(doctor, 5)
    many, page = statements_of(client, "/workbench")
    assert page.count("电话问诊：") == 6
    assert many == few


def test_the_desk_shows_the_phone_consult_and_reads_it_once(app, client):
    doctor = create_doctor()
    desk = create_user("clinic")
    login(client, desk)
    visits_with_phone_calls(doctor, 1)
    few, page = statements_of(client, "/desk")
    assert page.count("电话问诊：") == 1
    visits_with_phone_calls(doctor, 4)
    many, page = statements_of(client, "/desk")
    assert page.count("电话问诊：") == 5
    assert many == few


def test_the_patient_record_shows_a_held_phone_consult(app, client):
    doctor = create_doctor()
    [visit] = visits_with_phone_calls(doctor, 1)
    phone.record_call(visit, doctor, "started")
    phone.record_call(visit, doctor, "ended")
    db.session.commit()
    login(client, doctor)
    page = client.get(f"/patients/{visit.patient_id}").get_data(as_text=True)
    assert "电话问诊：已完成" in page


@pytest.mark.parametrize(
    ("side", "number"),
    [
        pytest.param("doctor", "13812345678", id="the-treating-doctor-sees-the-full-number"),
        pytest.param("patient", "138****5678", id="the-patient-sees-it-masked"),
    ],
)
def test_the_visit_page_reads_the_phone_consult_with_the_visit(app, side, number):
    """The phone card and badge read the events loaded with the visit (page_loads): showing
    them asks the database nothing more."""
    from tcm_app.views.encounters import page_loads

    doctor = create_doctor()
    [visit] = visits_with_phone_calls(doctor, 1)
    user = doctor if side == "doctor" else visit.patient.user
    db.session.expire_all()
    assert user.id  # the signed-in user is read before the page
    with app.test_request_context():
        loaded = db.session.scalar(
            select(Encounter).where(Encounter.id == visit.id).options(*page_loads())
        )
        badge_for = app.jinja_env.globals["phone_badge_for"]
        seen = []
        asked = count_statements(lambda: seen.append(phone.phone_consult_for(loaded, user)))
        asked += count_statements(lambda: seen.append(badge_for(loaded)))
    assert asked == 0
    assert (seen[0].state, seen[0].number) == ("waiting", number)
    assert "电话问诊：待通话" in seen[1]


def test_no_context_processor_reads_the_phone_consult(app):
    """Pages that never show a phone consult do not pay for one: nothing is run per render."""
    processors = [f for fs in app.template_context_processors.values() for f in fs]
    assert all("phone" not in f.__name__ for f in processors)
    assert {"phone_consult_for", "phone_badge_for"} <= set(app.jinja_env.globals)


def visits_of_one_patient(how_many: int):
    """A patient's booked visits (each with a different doctor), each with a phone call asked."""
    patient = create_patient()
    for _ in range(how_many):
        visit = book(create_encounter(patient=patient, doctor=create_doctor()))
        phone.request_phone(visit, patient.user)
    db.session.commit()
    return patient


@pytest.mark.parametrize("elder_mode", [False, True], ids=["home", "elder-home"])
def test_the_patients_visits_show_the_phone_consult_read_once(app, client, elder_mode):
    patient = visits_of_one_patient(1)
    patient.user.elder_mode = elder_mode
    db.session.commit()
    login(client, patient.user)
    few, page = statements_of(client, "/me?all=visits")
    assert page.count("电话问诊：待通话") == 1
    for _ in range(3):
        visit = book(create_encounter(patient=patient, doctor=create_doctor()))
        phone.request_phone(visit, patient.user)
    db.session.commit()
    many, page = statements_of(client, "/me?all=visits")
    assert page.count("电话问诊：待通话") == 4
    assert many == few, (few, many)
