"""In-person treatments as their people use them. The patient (phone) books a session in three
steps with the screening, moves it (its own time is not offered) and cancels it with a reason.
The clinic desk (desktop) checks a patient in from the calendar with the day's second screening;
the practitioner, a doctor who treats, finds the booking on the workbench and records the
treatment. The clock is frozen on a Wednesday morning, so the journeys pass at any hour."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import PASSWORD, create_user
from tests.journeys.conftest import sign_in
from tests.treatments.helpers import NO, small_clinic
from treatments.services import bookings
from treatments.services.bookings import Request

CLINIC = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 3, 4, 8, 0, tzinfo=CLINIC)  # a Wednesday, before the clinic opens
FRIDAY = "2026-03-06"


def answer_no_to_every_question(scope) -> None:
    for radio in scope.get_by_label("否", exact=True).all():
        radio.check()


def test_patient_books_reschedules_and_cancels_a_treatment(app, live_server, person):
    with time_machine.travel(MORNING, tick=True):
        _practitioner, patient, _therapy = small_clinic(beds=2)
        username = patient.user.username
        db.session.remove()

        phone = person("patient", phone=True)
        sign_in(phone, live_server, username, PASSWORD)
        phone.get_by_role("link", name="我的治疗").click()
        phone.get_by_role("link", name="预约单次治疗").click()
        # 1. therapy and day
        phone.get_by_label("毫针针刺").check()
        phone.get_by_label("日期", exact=True).fill(FRIDAY)
        phone.get_by_role("button", name="查看可约时间").click()
        # 2. a free time
        phone.get_by_role("link", name="09:00").first.click()
        # 3. the screening, then book
        assert f"{FRIDAY} 09:00" in phone.locator("main").inner_text()
        answer_no_to_every_question(phone.locator("main form[method=post]"))
        phone.get_by_role("button", name="预约", exact=True).click()
        phone.wait_for_url(re.compile(r"/treatments/bookings/\d+$"))
        assert f"{FRIDAY} 09:00" in phone.locator("dl.facts").inner_text()

        phone.get_by_role("link", name="改约其他时间").click()
        slots = phone.locator("main form[method=post]")
        assert slots.get_by_label("09:00", exact=True).count() == 0  # its own time: not offered
        slots.get_by_label("10:00", exact=True).first.check()
        phone.get_by_role("button", name="确认改期").click()
        assert "预约已改期。" in phone.locator(".flash").inner_text()
        assert f"{FRIDAY} 10:00" in phone.locator("dl.facts").inner_text()

        phone.get_by_label("取消原因").fill("临时出差，下周再约")
        phone.get_by_role("button", name="取消预约").click()
        assert "预约已取消。" in phone.locator(".flash").inner_text()
        facts = phone.locator("dl.facts").inner_text()
        assert "临时出差，下周再约" in facts
        assert "已取消" in phone.locator(".page-head").inner_text()


def test_desk_checks_in_and_practitioner_completes(app, live_server, person):
    with time_machine.travel(MORNING, tick=True):
        practitioner, patient, acupuncture = small_clinic()
        nine = MORNING + timedelta(hours=1)
        bookings.book(
            patient.user, patient, Request(acupuncture, nine, practitioner.user_id, dict(NO))
        )
        desk_user = create_user(Role.CLINIC, full_name="前台小李")
        doctor, desk_login = practitioner.user.username, desk_user.username
        db.session.commit()
        db.session.remove()

        desk = person("desk")
        sign_in(desk, live_server, desk_login, PASSWORD)
        desk.get_by_role("link", name="治疗日程").click()
        desk.locator("a.cal-booking", has_text="09:00").click()
        check_in = desk.locator("form.check-in-form")
        answer_no_to_every_question(check_in)
        check_in.get_by_role("button", name="签到").click()
        assert "已签到。" in desk.locator(".flash").inner_text()
        assert "已签到" in desk.locator(".page-head").inner_text()

        treating = person("practitioner")
        sign_in(treating, live_server, doctor, PASSWORD)
        today = treating.locator(
            "section", has=treating.get_by_role("heading", name="我今日的治疗")
        )
        assert "09:00" in today.inner_text() and "已签到" in today.inner_text()
        today.get_by_role("link", name="打开").click()
        treating.get_by_label("治疗穴位或部位").fill("足三里、中脘、内关")
        treating.get_by_label("时长（分钟）").fill("30")
        treating.get_by_label("治疗反应").fill("无不适")
        treating.get_by_role("button", name="治疗完成").click()
        assert "治疗已记录。" in treating.locator(".flash").inner_text()
        assert "已完成" in treating.locator(".page-head").inner_text()
        assert "足三里、中脘、内关" in treating.locator("main").inner_text()
