"""A phone call instead of a video consult (电话问诊): the rules (which events make which state,
who may ask and record what, when), the service (process events with the number masked, audit
entries, the doctor's message, the visit started by the call) and the visit page for both sides
(the request, the number in full only for the treating doctor, the refusals beside the action)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consults import phone_rules
from consults.models import ConsultBooking, ConsultEvent
from consults.phone_rules import PhoneError
from consults.services import calls, phone
from tcm_app.common.errors import ConflictError, PermissionDeniedError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.models.inbox import InboxMessage
from tcm_app.services.clock import utc_now
from tests.factories import create_doctor, create_encounter, login

R, S, E, N = phone_rules.REQUESTED, phone_rules.STARTED, phone_rules.ENDED, phone_rules.NOT_REACHED


# --- rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "state"),
    [
        pytest.param([], "none", id="nothing-asked-is-none"),
        pytest.param([R], "waiting", id="asked-waits-for-the-call"),
        pytest.param([R, N], "waiting", id="not-reached-still-waits"),
        pytest.param([R, N, S], "in_call", id="reached-on-the-second-try-is-in-call"),
        pytest.param([R, S, E], "held", id="started-then-ended-is-held"),
        pytest.param([S, E], "none", id="a-call-without-a-request-counts-for-nothing"),
        pytest.param(["joined", R, "left"], "waiting", id="video-events-do-not-count"),
    ],
)
def test_the_state_follows_the_events(events, state):
    assert phone_rules.phone_state(events) == state


def _ask(state="none", visit_open=True, online=True, booked=True, call_ended=False):
    phone_rules.check_request(state, visit_open, online, booked, call_ended)


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        pytest.param({"online": False}, "phone_not_online", id="an-in-clinic-visit-is-refused"),
        pytest.param({"visit_open": False}, "phone_consult_over", id="a-closed-visit-is-refused"),
        pytest.param({"call_ended": True}, "phone_consult_over", id="an-ended-call-is-refused"),
        pytest.param({"booked": False}, "phone_not_booked", id="an-unbooked-visit-is-refused"),
        pytest.param({"state": "waiting"}, "phone_already_requested", id="asking-twice-is-refused"),
        pytest.param({"state": "held"}, "phone_already_requested", id="asking-after-held-refused"),
    ],
)
def test_who_may_ask_for_a_phone_call(facts, code):
    with pytest.raises(PhoneError) as refused:
        _ask(**facts)
    assert refused.value.code == code


def test_an_open_booked_online_visit_may_ask():
    _ask()  # no refusal


@pytest.mark.parametrize(
    ("state", "outcome", "visit_open", "result"),
    [
        pytest.param("waiting", "started", True, S, id="waiting-call-starts"),
        pytest.param("waiting", "not_reached", True, N, id="waiting-patient-not-reached"),
        pytest.param("in_call", "ended", True, E, id="call-under-way-ends"),
        pytest.param("waiting", "ended", True, "phone_not_started", id="ending-unstarted-refused"),
        pytest.param("in_call", "started", True, "phone_in_call", id="starting-twice-refused"),
        pytest.param("in_call", "not_reached", True, "phone_in_call", id="in-call-not-unreached"),
        pytest.param("none", "started", True, "phone_not_requested", id="unasked-refused"),
        pytest.param("held", "started", True, "phone_already_held", id="held-is-final"),
        pytest.param("waiting", "started", False, "phone_consult_over", id="closed-visit-refused"),
        pytest.param("waiting", "maybe", True, "phone_unknown_outcome", id="unknown-outcome"),
        pytest.param("in_call", "ended", False, E, id="a-call-ends-after-the-visit-closed"),
    ],
)
def test_what_the_doctor_may_record(state, outcome, visit_open, result):
    if result.startswith("phone_") and result not in phone_rules.EVENTS:
        with pytest.raises(PhoneError) as refused:
            phone_rules.check_record(state, outcome, visit_open)
        assert refused.value.code == result
    else:
        assert phone_rules.check_record(state, outcome, visit_open) == result


# --- service --------------------------------------------------------------------------------


def book(encounter):
    start = utc_now() + timedelta(hours=2)
    db.session.add(
        ConsultBooking(
            doctor_id=encounter.doctor_id,
            encounter=encounter,
            starts_at=start,
            ends_at=start + timedelta(minutes=15),
        )
    )
    db.session.flush()
    return encounter


@pytest.fixture
def booked(app):
    return book(create_encounter())


def events(encounter) -> list[ConsultEvent]:
    return list(
        db.session.scalars(
            sa.select(ConsultEvent)
            .where(ConsultEvent.encounter_id == encounter.id)
            .order_by(ConsultEvent.id)
        )
    )


def audit_actions(encounter) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.object_type == "encounter", AuditEntry.object_id == str(encounter.id))
            .order_by(AuditEntry.id)
        )
    )


def test_the_request_is_a_process_event_with_the_number_masked(app, booked):
    phone.request_phone(booked, booked.patient.user)
    [event] = events(booked)
    assert (event.name, event.detail) == ("phone_requested", {"phone": "138****5678"})
    assert "consult.phone_request" in audit_actions(booked)
    message = db.session.scalar(sa.select(InboxMessage).where(InboxMessage.kind == "consult_phone"))
    assert message.user_id == booked.doctor_id and "申请以电话问诊代替视频问诊" in message.text


def test_the_treating_doctor_sees_the_full_number_and_others_masked(app, booked):
    phone.request_phone(booked, booked.patient.user)
    assert phone.phone_consult_for(booked, booked.doctor).number == "13812345678"
    assert phone.phone_consult_for(booked, booked.patient.user).number == "138****5678"
    assert phone.phone_consult_for(booked, create_doctor()).number == "138****5678"


def test_asking_twice_is_refused_and_written_once(app, booked):
    phone.request_phone(booked, booked.patient.user)
    with pytest.raises(ConflictError) as refused:
        phone.request_phone(booked, booked.patient.user)
    assert refused.value.code == "phone_already_requested"
    assert [e.name for e in events(booked)] == ["phone_requested"]


def test_asking_after_the_video_call_ended_is_refused(app, booked):
    calls.start_call(booked, booked.doctor)
    calls.end_call(booked, booked.doctor)
    with pytest.raises(ConflictError) as refused:
        phone.request_phone(booked, booked.patient.user)
    assert refused.value.code == "phone_consult_over"


def test_the_call_starts_the_visit_and_ends_held_with_its_length(app, booked):
    phone.request_phone(booked, booked.patient.user)
    phone.record_call(booked, booked.doctor, "not_reached")
    phone.record_call(booked, booked.doctor, "started")
    assert booked.status == "in_progress"
    ended = phone.record_call(booked, booked.doctor, "ended")
    assert ended.detail["phone"] == "138****5678" and ended.detail["call_seconds"] >= 0
    assert phone.phone_consult_for(booked, booked.doctor).held
    names = [e.name for e in events(booked)]
    assert names == ["phone_requested", "phone_not_reached", "phone_started", "phone_ended"]
    assert audit_actions(booked).count("consult.phone_record") == 3


@pytest.mark.parametrize(
    ("outcome", "error"),
    [
        pytest.param("ended", ConflictError, id="ending-before-start-is-a-conflict"),
        pytest.param("hung", ValidationError, id="an-unknown-outcome-is-bad-input"),
    ],
)
def test_a_wrong_record_is_refused(app, booked, outcome, error):
    phone.request_phone(booked, booked.patient.user)
    with pytest.raises(error):
        phone.record_call(booked, booked.doctor, outcome)


def test_another_doctor_cannot_record_the_call(app, booked):
    phone.request_phone(booked, booked.patient.user)
    with pytest.raises(PermissionDeniedError) as refused:
        phone.record_call(booked, create_doctor(), "started")
    assert refused.value.code == "not_treating_doctor"
    assert [e.name for e in events(booked)] == ["phone_requested"]


# --- pages ----------------------------------------------------------------------------------


def visit(client, encounter) -> str:
    return client.get(f"/encounters/{encounter.id}").get_data(as_text=True)


def test_the_patient_asks_from_the_visit_page_and_sees_the_phone_consult(app, client, booked):
    db.session.commit()
    login(client, booked.patient.user)
    page = visit(client, booked)
    assert "改为电话问诊" in page and f'action="/consults/{booked.id}/phone"' in page
    answer = client.post(f"/consults/{booked.id}/phone")
    assert answer.status_code == 302
    page = visit(client, booked)
    assert "电话问诊" in page and "等待医生来电" in page and "138****5678" in page
    assert "13812345678" not in page and "改为电话问诊" not in page
    assert "患者申请以电话问诊代替视频问诊" in page  # the process record lists it


def test_asking_twice_from_the_page_is_a_409_beside_the_action(app, client, booked):
    phone.request_phone(booked, booked.patient.user)
    db.session.commit()
    login(client, booked.patient.user)
    again = client.post(f"/consults/{booked.id}/phone")
    assert again.status_code == 409
    assert "您已为本次就诊申请过电话问诊，无需重复申请。" in again.get_data(as_text=True)
    assert [e.name for e in events(booked)] == ["phone_requested"]


def test_the_json_caller_gets_the_error_body(app, client, booked):
    phone.request_phone(booked, booked.patient.user)
    db.session.commit()
    login(client, booked.patient.user)
    again = client.post(f"/consults/{booked.id}/phone", headers={"Accept": "application/json"})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "phone_already_requested"


def test_the_doctor_records_the_call_and_both_see_it_held(app, client, booked):
    phone.request_phone(booked, booked.patient.user)
    db.session.commit()
    login(client, booked.doctor)
    page = visit(client, booked)
    assert 'href="tel:13812345678"' in page and "通话已开始" in page and "未联系到患者" in page
    assert client.post(f"/consults/{booked.id}/phone/started").status_code == 302
    assert client.post(f"/consults/{booked.id}/phone/ended").status_code == 302
    page = visit(client, booked)
    assert "已通过电话问诊" in page and "电话问诊结束" in page
    login(client, booked.patient.user)
    assert "已通过电话问诊" in visit(client, booked)


@pytest.mark.parametrize(
    ("outcome", "status", "text"),
    [
        pytest.param("ended", 409, "请先记录通话开始。", id="ending-first-is-409"),
        pytest.param("hung_up", 422, "请将通话记录为开始、结束或未联系到。", id="unknown-is-422"),
    ],
)
def test_a_wrong_record_from_the_page_is_refused_in_chinese(
    app, client, booked, outcome, status, text
):
    phone.request_phone(booked, booked.patient.user)
    db.session.commit()
    login(client, booked.doctor)
    answer = client.post(f"/consults/{booked.id}/phone/{outcome}")
    assert answer.status_code == status and text in answer.get_data(as_text=True)


def test_another_doctor_cannot_reach_the_consult(app, client, booked):
    phone.request_phone(booked, booked.patient.user)
    other = create_doctor()
    db.session.commit()
    login(client, other)
    assert client.post(f"/consults/{booked.id}/phone/started").status_code == 404
    assert [e.name for e in events(booked)] == ["phone_requested"]


def test_an_unbooked_visit_offers_no_phone_call(app, client):
    encounter = create_encounter()
    db.session.commit()
    login(client, encounter.patient.user)
    assert "改为电话问诊" not in visit(client, encounter)


def test_the_call_page_says_a_phone_call_was_asked_for(app, client, booked):
    phone.request_phone(booked, booked.patient.user)
    db.session.commit()
    login(client, booked.doctor)  # the patient's waiting room opens 15 minutes before the time
    page = client.get(f"/consults/{booked.id}/call").get_data(as_text=True)
    assert "电话问诊" in page and "等待医生来电" in page
