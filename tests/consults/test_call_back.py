"""The doctor calls the patient back into a broken video consult: which calls count as broken
(started, not ended, open visit, last 12 hours, no patient connected), who may call back and how
often, and what the patient receives (inbox and phone)."""

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
import simple_websocket
import sqlalchemy as sa
import time_machine

from consults.models import ConsultEvent
from consults.services import call_back, calls
from tcm_app.common.errors import ConflictError, PermissionDeniedError, TCMError
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.audit import AuditEntry
from tcm_app.models.encounters import Encounter
from tcm_app.models.inbox import InboxMessage
from tcm_app.services import encounters
from tcm_app.services.notify import SandboxSender
from tests.factories import create_doctor, create_encounter, create_patient
from tests.polling import wait_until

CALL_BACK_TEXT = "医生正在视频问诊中等您，请点此回到问诊。"


@pytest.fixture
def sms(app):
    sandbox = SandboxSender()
    app.config["INBOX_SENDERS"] = [sandbox]
    return sandbox


@pytest.fixture
def started(consult):
    """The doctor's call is on and the patient is not connected (nobody is, in this process)."""
    calls.start_call(consult, consult.doctor)
    db.session.commit()
    return consult


def later(**delta):
    return time_machine.travel(datetime.now(UTC) + timedelta(**delta), tick=True)


def count(model, **where) -> int:
    query = sa.select(sa.func.count()).select_from(model).filter_by(**where)
    return db.session.scalar(query)


def count_committed(model, **where) -> int:
    """Counted on a connection of its own, closed at once, for polling what a server thread
    writes: polled in the test's session, the read would hold SQLite's write lock (every
    transaction begins IMMEDIATE) against the very thread whose row it waits for."""
    query = sa.select(sa.func.count()).select_from(model).filter_by(**where)
    with db.engine.connect() as connection:
        return connection.scalar(query)


# --- which calls are broken -------------------------------------------------------------------


def test_a_started_call_without_the_patient_is_broken_since_she_left(app, started):
    calls.record_event(started.id, started.patient.user_id, "joined")
    left = calls.record_event(started.id, started.patient.user_id, "left")
    calls.record_event(started.id, started.doctor_id, "left")  # the doctor's leaving is not hers
    db.session.commit()
    with later(minutes=7):
        [broken] = call_back.broken_calls(started.doctor)
    assert broken.encounter.id == started.id
    assert broken.left_at == left.occurred_at
    assert broken.away_minutes == 7 and broken.called_back_at is None


def test_a_patient_who_never_joined_is_away_since_the_start(app, started):
    with later(minutes=3):
        [broken] = call_back.broken_calls(started.doctor)
    assert broken.left_at is None and broken.away_minutes == 3


def test_broken_calls_are_the_doctors_own_newest_first(app, started):
    with later(minutes=5):
        newer = create_encounter(patient=create_patient(name="李梅"), doctor=started.doctor)
        calls.start_call(newer, newer.doctor)
        other = create_encounter(patient=create_patient(name="赵兰"))
        calls.start_call(other, other.doctor)
        db.session.commit()
        broken = call_back.broken_calls(started.doctor)
    assert [b.encounter.id for b in broken] == [newer.id, started.id]


NOT_BROKEN = [
    pytest.param(lambda e: calls.end_call(e, e.doctor), id="an-ended-call-is-not-broken"),
    pytest.param(
        lambda e: encounters.terminate_encounter(e, e.doctor, "condition_changed", "请到门诊就诊"),
        id="a-call-of-a-closed-visit-is-not-broken",
    ),
]


@pytest.mark.parametrize("change", NOT_BROKEN)
def test_calls_that_are_not_broken(app, started, change):
    change(started)
    db.session.commit()
    assert call_back.broken_calls(started.doctor) == []


def test_a_call_started_over_12_hours_ago_is_not_broken(app, started):
    with later(hours=11, minutes=59):
        assert len(call_back.broken_calls(started.doctor)) == 1
    with later(hours=12, minutes=1):
        assert call_back.broken_calls(started.doctor) == []


def test_a_call_never_started_is_not_broken(app, consult):
    calls.enter_waiting_room(consult, consult.patient.user)
    db.session.commit()
    assert call_back.broken_calls(consult.doctor) == []


# --- calling back -----------------------------------------------------------------------------


def test_the_patient_is_called_back_by_inbox_and_phone(app, started, sms):
    message = call_back.call_back(started, started.doctor)
    db.session.commit()
    assert message.user_id == started.patient.user_id
    assert (message.kind, message.text) == ("consult_call_back", CALL_BACK_TEXT)
    assert message.link == f"/consults/{started.id}/call"
    assert [text for _to, text in sms.sent] == [CALL_BACK_TEXT]
    assert count(
        ConsultEvent, encounter_id=started.id, name="call_back", actor_id=started.doctor_id
    )
    assert count(AuditEntry, action="consult.call_back", object_id=str(started.id)) == 1
    [broken] = call_back.broken_calls(started.doctor)
    assert broken.called_back_at is not None


def test_a_minute_later_the_doctor_calls_back_again(app, started, sms):
    call_back.call_back(started, started.doctor)
    db.session.commit()
    with later(seconds=61):
        call_back.call_back(started, started.doctor)
        db.session.commit()
    assert count(InboxMessage, kind="consult_call_back") == 2 and len(sms.sent) == 2


def another_doctor(encounter):
    return create_doctor(username="dr-other")


def call_back_once(encounter):
    call_back.call_back(encounter, encounter.doctor)
    db.session.commit()
    return encounter.doctor


def end(encounter):
    calls.end_call(encounter, encounter.doctor)
    return encounter.doctor


def close_visit(encounter):
    encounters.terminate_encounter(encounter, encounter.doctor, "condition_changed", "请到门诊")
    return encounter.doctor


REFUSALS = [
    pytest.param(another_doctor, PermissionDeniedError, "not_treating_doctor",
                 id="only-the-treating-doctor-calls-back"),
    pytest.param(lambda e: e.patient.user, PermissionDeniedError, "not_treating_doctor",
                 id="the-patient-does-not-call-herself-back"),
    pytest.param(call_back_once, ConflictError, "call_back_too_soon",
                 id="a-second-call-back-within-a-minute-is-refused"),
    pytest.param(end, ConflictError, "call_not_in_progress",
                 id="an-ended-call-is-not-called-back"),
    pytest.param(close_visit, ConflictError, "consult_closed",
                 id="a-closed-visit-is-not-called-back"),
]  # fmt: skip


@pytest.mark.parametrize(("arrange", "error", "code"), REFUSALS)
def test_refusals(app, started, sms, arrange, error, code):
    actor = arrange(started)
    db.session.commit()
    messages_before = count(InboxMessage)
    with pytest.raises(error) as refused:
        call_back.call_back(started, actor)
    db.session.rollback()
    assert refused.value.code == code
    assert count(InboxMessage) == messages_before
    assert count(ConsultEvent, name="call_back") == (1 if code == "call_back_too_soon" else 0)


def test_a_refused_stranger_is_audited(app, started):
    with pytest.raises(PermissionDeniedError) as refused:
        call_back.call_back(started, create_doctor(username="dr-stranger"))
    assert refused.value.audit == {
        "action": "consult.call_back",
        "obj_type": "encounter",
        "obj_id": started.id,
    }


def test_a_call_never_started_is_not_called_back(app, consult):
    with pytest.raises(ConflictError) as refused:
        call_back.call_back(consult, consult.doctor)
    assert refused.value.code == "call_not_in_progress"


# --- presence: a patient connected to the room is in the call ---------------------------------


def connect_patient(app, live_host, encounter):
    with app.test_request_context("/"):
        token = calls.room_token(encounter, encounter.patient.user)
    url = f"ws://{live_host}/consults/{encounter.id}/ws?token={token}"
    db.session.commit()
    db.session.remove()  # release SQLite before the server's threads write
    return simple_websocket.Client.connect(url)


def test_a_connected_patient_is_in_the_call_and_then_called_back(app, live_host, started, sms):
    encounter_id, doctor_id = started.id, started.doctor_id
    socket = connect_patient(app, live_host, started)
    try:
        wait_until(lambda: call_back.patient_connected(encounter_id))
        doctor = db.session.get(User, doctor_id)
        assert call_back.broken_calls(doctor) == []
        with pytest.raises(TCMError) as refused:
            call_back.call_back(db.session.get(Encounter, encounter_id), doctor)
        assert refused.value.code == "patient_in_call"
        db.session.rollback()
        db.session.remove()
    finally:
        with contextlib.suppress(simple_websocket.ConnectionClosed):
            socket.close()
    wait_until(lambda: not call_back.patient_connected(encounter_id))
    wait_until(lambda: count_committed(ConsultEvent, encounter_id=encounter_id, name="left") == 1)
    [broken] = call_back.broken_calls(db.session.get(User, doctor_id))
    assert broken.left_at is not None
