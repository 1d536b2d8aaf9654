"""A video consult as its people book and open it: the doctor publishes consult hours on the
schedule page; the patient (phone) books a time for the follow-up she already requested, sees its
date and time, is told when the waiting room opens, and enters it when it is time; the doctor sees
her waiting on the workbench and opens the call page. The clock is frozen on a Wednesday morning
(and moved on to the consult), so the journey passes at any hour. No real media here: the
two-browser WebRTC call lives in tests/webrtc."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from tcm_app.extensions import db
from tcm_app.services import documents
from tests.factories import PASSWORD, create_doctor, create_encounter, create_patient, png_bytes
from tests.journeys.conftest import sign_in

MORNING = datetime(2026, 3, 4, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday
BOOKED = "2026-03-04 周三 09:00–09:15"


def test_patient_books_a_video_consult_and_both_open_the_call(app, live_server, person):
    with time_machine.travel(MORNING, tick=True) as clock:
        doctor = create_doctor(username="dr-zhang")
        patient = create_patient(name="王丽")
        encounter = create_encounter(patient=patient, doctor=doctor)
        documents.add_document(encounter, patient.user, "discharge_summary", "d.png", png_bytes())
        patient_login = patient.user.username
        db.session.commit()
        db.session.remove()

        desk = person("doctor")
        sign_in(desk, live_server, "dr-zhang", PASSWORD)
        publish_wednesday_mornings(desk)

        phone = person("patient", phone=True)
        sign_in(phone, live_server, patient_login, PASSWORD)
        book_nine_oclock(phone)
        phone.get_by_role("link", name="我的就诊").click()
        assert "2026-03-04 周三 09:00" in phone.locator("main").inner_text()

        phone.get_by_role("link", name=re.compile("在线复诊")).first.click()
        phone.get_by_role("link", name="进入候诊室").click()  # 08:30: too early
        assert "候诊室在预约时间前 15 分钟开放" in phone.locator(".flash").inner_text()
        assert BOOKED in phone.locator(".flash").inner_text()

        clock.move_to(MORNING + timedelta(minutes=20))  # 08:50: the room is open
        phone.get_by_role("link", name="进入候诊室").click()
        phone.wait_for_url(re.compile(r"/consults/\d+/call$"))
        assert BOOKED in phone.locator("main").inner_text()
        phone.wait_for_selector("#status:has-text('请稍候')")

        desk.get_by_role("link", name="医生工作台").click()
        waiting = desk.locator("section", has=desk.get_by_role("heading", name="候诊室"))
        assert "王丽" in waiting.inner_text()
        waiting.get_by_role("button", name="开始视频问诊").click()
        desk.wait_for_url(re.compile(r"/consults/\d+/call$"))
        assert "王丽" in desk.get_by_role("complementary").inner_text()
        # Both leave the call while the clock is frozen: a heartbeat reaching the server back at
        # today's date would find this morning's call months old (400).
        desk.close()
        phone.close()


def publish_wednesday_mornings(page) -> None:
    page.get_by_role("link", name="出诊安排").click()
    form = page.locator("form", has=page.get_by_role("button", name="添加时段"))
    form.get_by_label("星期").select_option(label="星期三")
    form.get_by_label("开始时间").fill("09:00")
    form.get_by_label("结束时间").fill("12:00")
    form.get_by_label("每个号源分钟数").fill("15")
    form.get_by_role("button", name="添加时段").click()
    assert "周三 09:00–12:00" in page.locator("main").inner_text()


def book_nine_oclock(page) -> None:
    """From the visit list to the visit she requested, then its booking page."""
    page.get_by_role("link", name=re.compile("在线复诊")).first.click()
    page.get_by_role("link", name="为本次就诊预约时间").click()
    picker = page.get_by_label("时间")
    assert "2026-03-04 周三 09:00" in picker.inner_text()  # each option reads date and time
    picker.select_option(label="2026-03-04 周三 09:00")
    page.get_by_role("button", name="预约该时间").click()
    page.wait_for_url(re.compile(r"/encounters/\d+$"))
    assert BOOKED in page.locator(".flash").inner_text()
    assert BOOKED in page.locator(".encounter-head").inner_text()
