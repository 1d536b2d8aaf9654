"""Calling back from the pages: the workbench lists broken calls (通话中断) with 回拨患者, the
button posts (CSRF form) and lands on the call page; refusals come back to the workbench in
Chinese with nothing written; the record shows the call-back; the patient gets back in past her
booked time while the doctor's call is on."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import time_machine

from consults.models import ConsultEvent
from consults.services import booking, calls
from tcm_app.extensions import db
from tcm_app.models.inbox import InboxMessage
from tests.factories import create_doctor, create_encounter, create_patient, login

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEDNESDAY = datetime(2026, 3, 4, 8, 30, tzinfo=SHANGHAI)


def start(encounter):
    calls.start_call(encounter, encounter.doctor)
    db.session.commit()


def messages() -> int:
    return db.session.scalar(sa.select(sa.func.count(InboxMessage.id)))


def broken_panel(page: str) -> str:
    found = re.search(r'<section[^>]*aria-labelledby="broken-title".*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_the_workbench_shows_a_broken_call_and_the_doctor_calls_back(app, client, consult):
    start(consult)
    calls.record_event(consult.id, consult.patient.user_id, "left")
    db.session.commit()
    login(client, consult.doctor)
    panel = broken_panel(client.get("/workbench").get_data(as_text=True))
    assert "通话中断" in panel and "王丽" in panel and "起离开" in panel
    assert f'action="/consults/{consult.id}/call-back"' in panel and "回拨患者" in panel

    answer = client.post(f"/consults/{consult.id}/call-back")
    assert answer.headers["Location"] == f"/consults/{consult.id}/call"
    assert "已通知患者回到问诊" in client.get(answer.headers["Location"]).get_data(as_text=True)
    assert messages() == 1
    panel = broken_panel(client.get("/workbench").get_data(as_text=True))
    assert "已回拨" in panel


def test_nothing_shows_without_a_broken_call(app, client, consult):
    login(client, consult.doctor)
    page = client.get("/workbench").get_data(as_text=True)
    assert "通话中断" not in page and "回拨患者" not in page


def test_a_patient_who_left_the_call_is_not_listed_as_waiting(app, client, consult):
    calls.enter_waiting_room(consult, consult.patient.user)
    start(consult)
    login(client, consult.doctor)
    page = client.get("/workbench").get_data(as_text=True)
    assert "回拨患者" in broken_panel(page)
    assert "暂无候诊患者" in page  # she is called back, not "waiting" with a start button


def test_a_second_call_back_within_a_minute_goes_back_to_the_workbench(app, client, consult):
    start(consult)
    login(client, consult.doctor)
    client.post(f"/consults/{consult.id}/call-back")
    again = client.post(f"/consults/{consult.id}/call-back")
    assert again.status_code == 302 and again.headers["Location"] == "/workbench"
    page = client.get("/workbench").get_data(as_text=True)
    assert "您不到一分钟前刚回拨过该患者，请稍候再回拨。" in page
    assert messages() == 1


def test_an_ended_call_is_refused_in_chinese_with_nothing_written(app, client, consult):
    start(consult)
    calls.end_call(consult, consult.doctor)
    db.session.commit()
    login(client, consult.doctor)
    refused = client.post(f"/consults/{consult.id}/call-back")
    assert refused.headers["Location"] == "/workbench"
    assert "通话未在进行中，请重新开始视频问诊。" in client.get("/workbench").get_data(as_text=True)
    assert messages() == 0
    named = sa.select(ConsultEvent.id).where(ConsultEvent.name == "call_back")
    assert db.session.scalars(named).all() == []


def test_another_doctor_cannot_call_back(app, client, consult):
    start(consult)
    login(client, create_doctor(username="dr-other"))
    assert client.post(f"/consults/{consult.id}/call-back").status_code == 404
    assert messages() == 0


def test_the_call_back_form_needs_its_csrf_token(app, client, consult):
    start(consult)
    login(client, consult.doctor)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/consults/{consult.id}/call-back").status_code == 400
    assert messages() == 0


def test_the_visit_record_shows_the_call_back(app, client, consult):
    start(consult)
    login(client, consult.doctor)
    client.post(f"/consults/{consult.id}/call-back")
    page = client.get(f"/encounters/{consult.id}").get_data(as_text=True)
    assert "医生回拨患者" in page


def test_the_patient_gets_back_into_a_started_call_after_her_booked_time(app, client):
    with time_machine.travel(WEDNESDAY, tick=True) as clock:
        doctor = create_doctor()
        booking.add_session(doctor, WEDNESDAY.weekday(), time(9, 0), time(12, 0), 15)
        encounter = create_encounter(patient=create_patient(), doctor=doctor)
        nine = WEDNESDAY.replace(hour=9, minute=0)
        booking.book(encounter.patient.user, encounter.patient, doctor, nine, "", "", encounter)
        db.session.commit()
        login(client, encounter.patient.user)
        call_page = f"/consults/{encounter.id}/call"

        clock.move_to(WEDNESDAY.replace(hour=10, minute=30))  # the slot closed at 09:45
        assert client.get(call_page).status_code == 302  # no call on: the gate holds
        clock.move_to(nine + timedelta(minutes=5))
        start(encounter)
        clock.move_to(WEDNESDAY.replace(hour=10, minute=30))
        assert client.get(call_page).status_code == 200  # the doctor's call is on
        calls.end_call(encounter, doctor)
        db.session.commit()
        assert client.get(call_page).status_code == 302
