"""The doctor's workbench costs the same number of SQL statements whatever the length of its
lists (the visit queue and the panels the domains add): each list is read with what its rows show
(patient, booking, reviewer) in a fixed number of queries, not one more per row (N+1)."""

from datetime import UTC, datetime, time, timedelta

import pytest

from constitution.services import assessments
from constitution.services.doctor import request_assessment
from consults.services import booking, call_back, calls, threads
from tcm_app.extensions import db
from tcm_app.services import payments, visit_fees
from tests.constitution.helpers import ccmq, uniform_answers
from tests.factories import (
    approved_prescription,
    create_doctor,
    create_encounter,
    create_patient,
    create_pharmacist,
    login,
)
from tests.statement_count import NAMES, statements_of


def booked_visit(doctor, patient, number):
    """A video consult booked tomorrow (the queue shows its time from the booking)."""
    zone = booking.clinic_zone()
    day = datetime.now(zone).date() + timedelta(days=1)
    start = datetime.combine(day, time(8, 0), zone) + timedelta(minutes=15 * number)
    booking.book(patient.user, patient, doctor, start.astimezone(UTC), "online_followup", "复诊")


def waiting_patient(doctor, patient, number):
    """A patient in the video consult's waiting room."""
    encounter = create_encounter(patient=patient, doctor=doctor)
    calls.enter_waiting_room(encounter, patient.user)


def broken_call(doctor, patient, number):
    """A started video consult the patient left, the patient called back once."""
    encounter = create_encounter(patient=patient, doctor=doctor)
    calls.enter_waiting_room(encounter, patient.user)
    calls.start_call(encounter, doctor)
    calls.record_event(encounter.id, patient.user.id, "left")
    call_back.call_back(encounter, doctor)


def text_consult(doctor, patient, number):
    """An open text consult, the fee paid."""
    encounter = create_encounter(patient=patient, doctor=doctor)
    fee = visit_fees.fee_of(encounter)
    payments.record_counter_payment(
        visit_fees.PURPOSE, encounter.id, patient.id, fee.amount, patient.user, f"T{encounter.id}"
    )
    threads.open_thread(encounter, patient.user)


def returned_prescription(doctor, patient, number):
    """A prescription the pharmacist returned with a reason."""
    approved_prescription(patient=patient, doctor=doctor, approve=False, note="剂量需复核")


def constitution_questionnaire(doctor, patient, number):
    """The doctor asked for the questionnaire; the patient answered it, then took it again."""
    encounter = create_encounter(patient=patient, doctor=doctor)
    request_assessment(doctor, encounter, "请做体质测评")
    for value in (4, 2):  # a change the workbench names (气虚质 75 → 25)
        draft = assessments.start(patient.user, patient, "ccmq")
        assessments.save_answers(
            draft, patient.user, uniform_answers(ccmq(), patient.sex, value), 1
        )
        assessments.submit(draft, patient.user)


@pytest.fixture
def doctor(app):
    doctor = create_doctor()
    for weekday in range(7):
        booking.add_session(doctor, weekday, time(8, 0), time(20, 0), 15)
    create_pharmacist()
    db.session.commit()
    return doctor


@pytest.mark.parametrize(
    ("add_row", "each_row_shows"),
    [
        (booked_visit, ("复诊",)),
        (waiting_patient, ("开始视频问诊",)),
        (broken_call, ("起离开", "已回拨")),
        (text_consult, ("胃脘隐痛",)),
        (returned_prescription, ("剂量需复核",)),
        (constitution_questionnaire, ("已答 · ",)),  # each request answered
    ],
    ids=[
        "the visit queue's statements do not grow with its booked consults",
        "the waiting room's statements do not grow with its patients",
        "the interrupted calls' statements do not grow with their number",
        "the text consults' statements do not grow with their number",
        "the returned prescriptions' statements do not grow with their number",
        "the constitution questionnaires' statements do not grow with their number",
    ],
)
def test_the_workbench_statements_do_not_grow_with_its_rows(
    client, doctor, add_row, each_row_shows
):
    patients = [create_patient(name=name) for name in NAMES[:8]]
    for number, patient in enumerate(patients[:2]):
        add_row(doctor, patient, number)
    db.session.commit()
    login(client, doctor)
    few, _page = statements_of(client, "/workbench")
    for number, patient in enumerate(patients[2:], start=2):
        add_row(doctor, patient, number)
    db.session.commit()
    many, page = statements_of(client, "/workbench")
    assert many == few
    assert all(patient.legal_name in page for patient in patients)
    assert all(page.count(text) >= 8 for text in each_row_shows)
