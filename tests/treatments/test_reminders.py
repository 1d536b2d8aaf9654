"""Reminders the day before: each booked session starting tomorrow is reminded once, whatever
how often the task runs; cancelled ones and those further ahead are skipped."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tcm_app.extensions import db
from tcm_app.services import inbox
from tests.factories import create_patient
from tests.treatments.helpers import NO, at, small_clinic
from treatments import tasks
from treatments.models import Booking
from treatments.services import bookings, moves, reminders
from treatments.services.bookings import Request

# Today and tomorrow in the clinic: make test-clock runs these at 00:30, 08:30 and 23:30.
pytestmark = pytest.mark.clock


class Recorder:
    name = "recorder"

    def __init__(self):
        self.sent = []

    def send(self, user, message):
        self.sent.append((user.id, message))
        return "ok"


class Broken:
    name = "broken"

    def send(self, user, message):
        raise OSError("gateway down")


@pytest.fixture
def outbox(app):
    recorder = Recorder()
    app.config["TREATMENT_REMINDER_SENDERS"] = [Broken(), recorder]
    return recorder


def three_bookings():
    """Tomorrow 09:00, tomorrow 10:00 (then cancelled), and the day after tomorrow."""
    practitioner, patient, therapy = small_clinic(beds=2)
    others = [create_patient(name="李明"), create_patient(name="张三")]

    def book(who, start):
        return bookings.book(
            who.user, who, Request(therapy, start, practitioner.user_id, dict(NO)), now=at(0, 7)
        )

    due = book(patient, at(1, 9))
    cancelled = book(others[0], at(1, 10))
    later = book(others[1], at(2, 9))
    moves.cancel(others[0].user, cancelled, "有事", now=at(0, 7))
    db.session.commit()
    return due, cancelled, later


def test_a_due_booking_is_reminded_once(app, outbox):
    due, _, _ = three_bookings()
    assert reminders.send_due_reminders(at(0, 10)) == 1
    db.session.commit()
    assert [user for user, _ in outbox.sent] == [due.patient.user_id]
    assert db.session.get(Booking, due.id).reminder_sent_at is not None


def test_running_twice_sends_nothing_new(app, outbox):
    three_bookings()
    reminders.send_due_reminders(at(0, 10))
    db.session.commit()
    assert reminders.send_due_reminders(at(0, 11)) == 0
    assert len(outbox.sent) == 1


def test_cancelled_and_later_bookings_are_skipped(app, outbox):
    due, _, _ = three_bookings()
    reminders.send_due_reminders(at(0, 10))
    db.session.commit()
    reminded = db.session.scalars(
        select(Booking.id).where(Booking.reminder_sent_at.is_not(None))
    ).all()
    assert reminded == [due.id]


def test_a_second_worker_that_read_the_same_list_sends_nothing(app, outbox):
    three_bookings()
    listed = reminders.due_booking_ids(at(0, 10))
    assert reminders.claim(listed[0], at(0, 10)) is True
    assert reminders.claim(listed[0], at(0, 10)) is False  # the guarded UPDATE finds it marked


def test_no_reminders_at_night(app, outbox):
    three_bookings()
    assert reminders.send_due_reminders(at(0, 7) - timedelta(hours=5)) == 0
    assert outbox.sent == []


def test_the_message_says_when_where_how_to_prepare_and_cancel(app, outbox):
    due, _, _ = three_bookings()
    reminders.send_due_reminders(at(0, 10))
    message = outbox.sent[0][1]
    for expected in (
        due.therapy.name,
        "09:00",
        due.resource.name,
        "提前10分钟",
        "空腹",
        "疲劳",
        "药物清单",
        "取消",
        f"/treatments/bookings/{due.id}",
    ):
        assert expected in message, expected


def test_the_task_commits_what_it_sent(app, outbox, monkeypatch):
    due, _, _ = three_bookings()
    monkeypatch.setattr("treatments.tasks.utcnow", lambda: at(0, 10))
    assert tasks.send_booking_reminders.run() == 1
    db.session.rollback()
    assert db.session.get(Booking, due.id).reminder_sent_at is not None
    assert tasks.send_booking_reminders.run() == 0


def test_the_reminder_is_kept_in_the_patients_inbox_with_a_link_to_the_booking(app, outbox):
    due, _, _ = three_bookings()
    reminders.send_due_reminders(at(0, 10))
    db.session.commit()
    [message] = inbox.messages_for(due.patient.user)
    assert message.kind == "treatment.reminder" and message.text == outbox.sent[0][1]
    assert message.link == f"/treatments/bookings/{due.id}"
    assert message.delivery["broken"].startswith("failed") and message.delivery["recorder"] == "ok"
