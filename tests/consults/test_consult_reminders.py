"""A booked video consult is reminded once, within the day before it starts, in the patient's
inbox (with a link to the call page) and through the senders; cancelled ones are not."""

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from consults import tasks
from consults.services import booking, reminders
from tcm_app.extensions import db
from tcm_app.models.inbox import InboxMessage
from tcm_app.services import inbox
from tests.consults.test_booking import doctor, tomorrow_nine  # noqa: F401  (fixture)
from tests.factories import create_patient


class Recorder:
    name = "recorder"

    def __init__(self):
        self.sent = []

    def send(self, user, message):
        self.sent.append((user.id, message))
        return "ok"


def booked(doctor, start, name="王丽"):  # noqa: F811
    patient = create_patient(name=name)
    made = booking.book(patient.user, patient, doctor, start, "online_followup", "复诊")
    db.session.commit()
    return made


def test_a_consult_is_reminded_once_within_the_day_before(app, doctor):  # noqa: F811
    recorder = Recorder()
    app.config["CONSULT_REMINDER_SENDERS"] = [recorder]
    start = tomorrow_nine(app)
    made = booked(doctor, start)
    assert reminders.send_due_reminders(start - timedelta(hours=25)) == 0  # too early
    assert reminders.send_due_reminders(start - timedelta(hours=20)) == 1
    db.session.commit()
    assert reminders.send_due_reminders(start - timedelta(hours=19)) == 0  # once only
    [message] = inbox.messages_for(made.encounter.patient.user)
    assert message.kind == "consult.reminder" and "09:00" in message.text
    assert message.link == f"/consults/{made.encounter_id}/call"
    assert recorder.sent == [(made.encounter.patient.user_id, message.text)]


def test_a_cancelled_consult_is_not_reminded(app, doctor):  # noqa: F811
    start = tomorrow_nine(app)
    made = booked(doctor, start)
    booking.cancel_booking(made.encounter, made.encounter.patient.user)
    db.session.commit()
    assert reminders.send_due_reminders(start - timedelta(hours=2)) == 0


def test_the_hourly_task_commits_what_it_sent(app, doctor):  # noqa: F811
    start = tomorrow_nine(app)
    made = booked(doctor, start)
    patient_user_id = made.encounter.patient.user_id
    with time_machine.travel(start - timedelta(hours=2), tick=False):
        assert tasks.send_consult_reminders.run() == 1
    db.session.remove()
    kinds = db.session.scalars(
        sa.select(InboxMessage.kind).where(InboxMessage.user_id == patient_user_id)
    )
    assert list(kinds) == ["consult.reminder"]
