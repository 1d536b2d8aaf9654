"""Home visits (上门护理) as their people use them. The patient (phone) books a home visit from
their address book: an address outside the area is refused next to the field with the districts
served, one inside gets times that leave room for the travel. The practitioner (phone) opens the
day's route, checks in at the door with the day's screening and checks out. The clinic desk
(desktop) sees the visit and its travel on the calendar and prints the day sheet with the address.
The clock is frozen on a Wednesday morning, so the journeys pass at any hour."""

import re
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import PASSWORD, create_user
from tests.journeys.conftest import sign_in
from tests.treatments.helpers import NO, home_clinic
from treatments.services import home_visits
from treatments.services.catalogue import therapy_by_code

CLINIC = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 3, 4, 8, 0, tzinfo=CLINIC)  # a Wednesday, before the practitioner starts
FRIDAY = "2026-03-06"
AT_HOME = {"someone_present": True, "bed_space": True, "pets": False}


def answer(scope, question: str, choice: str) -> None:
    scope.locator("fieldset", has_text=question).get_by_label(choice, exact=True).check()


def book_today(practitioner, patient, address, hour=9, minute=30):
    start = MORNING.replace(hour=hour, minute=minute)
    wanted = home_visits.HomeRequest(
        therapy_by_code("tuina"), address.id, start, practitioner.user_id, dict(NO), AT_HOME
    )
    return home_visits.book(patient.user, patient, wanted)


def test_patient_books_a_home_visit_from_their_address_book(app, live_server, person, watcher):
    watcher.expect("status of 422")  # the address outside the area, refused on purpose
    with time_machine.travel(MORNING, tick=True):
        _practitioner, patient, _inside, _outside = home_clinic()
        username = patient.user.username
        db.session.remove()

        phone = person("patient", phone=True)
        sign_in(phone, live_server, username, PASSWORD)
        phone.get_by_role("link", name="我的治疗").click()
        phone.get_by_role("link", name="预约上门护理").click()
        phone.get_by_label("地址", exact=True).select_option(label="北京市 / 北京市 / 昌平区 王丽")
        phone.get_by_label("推拿").check()
        phone.get_by_label("日期", exact=True).fill(FRIDAY)
        phone.get_by_role("button", name="查看可约时间").click()
        refusal = phone.locator("#address_id-error").inner_text()
        assert "不在上门服务区域内" in refusal and "朝阳区" in refusal

        phone.get_by_label("地址", exact=True).select_option(label="北京市 / 北京市 / 朝阳区 王丽")
        phone.get_by_role("button", name="查看可约时间").click()
        assert "单程约 30 分钟" in phone.locator("main").inner_text()
        times = phone.locator("ul.slot-list").first
        assert times.get_by_role("link", name="09:00").count() == 0  # no time to get there
        times.get_by_role("link", name="09:30").click()

        form = phone.locator("main form[method=post]")
        for radio in form.get_by_label("否", exact=True).all():
            radio.check()
        answer(form, "其他成年人在场", "是")
        answer(form, "治疗床的空间", "是")
        phone.get_by_role("button", name="预约上门").click()
        phone.wait_for_url(re.compile(r"/treatments/bookings/\d+$"))
        facts = phone.locator("dl.facts").inner_text()
        assert f"{FRIDAY} 09:30" in facts and "朝阳区" in facts and "上门费" in facts
        assert "家中有宠物: 否" in phone.locator("main").inner_text()


def test_practitioner_checks_in_and_out_at_the_door(app, live_server, person):
    with time_machine.travel(MORNING, tick=True):
        practitioner, patient, inside, _outside = home_clinic()
        book_today(practitioner, patient, inside)
        username = practitioner.user.username
        db.session.commit()
        db.session.remove()

        phone = person("practitioner", phone=True)
        sign_in(phone, live_server, username, PASSWORD)
        phone.get_by_role("link", name="我的上门服务").click()
        stop = phone.locator("li.route-stop").first
        assert "09:30" in stop.inner_text() and "望京街道 6 号" in stop.inner_text()
        assert "09:00 前出发" in stop.inner_text()
        for radio in stop.get_by_label("否", exact=True).all():
            radio.check()
        stop.get_by_role("button", name="到门签到").click()
        assert "已签到。" in phone.locator(".flash").inner_text()
        stop = phone.locator("li.route-stop").first
        assert "到达时间" in stop.inner_text()
        stop.get_by_role("button", name="离开签退").click()
        assert "已签退" in phone.locator(".flash").inner_text()
        assert "离开" in phone.locator("li.route-stop").first.inner_text()


def test_desk_sees_travel_on_the_calendar_and_addresses_on_the_day_sheet(
    app, live_server, person, tmp_path
):
    with time_machine.travel(MORNING, tick=True):
        practitioner, patient, inside, _outside = home_clinic()
        book_today(practitioner, patient, inside, 10, 0)
        desk_user = create_user(Role.CLINIC, full_name="前台小李")
        login_name = desk_user.username
        db.session.commit()
        db.session.remove()

        desk = person("desk")
        sign_in(desk, live_server, login_name, PASSWORD)
        desk.get_by_role("link", name="治疗日程").click()
        grid = desk.locator("table.cal-day").inner_text()
        assert "09:30–10:00 路程" in grid and "10:40–11:10 路程" in grid
        assert "上门护理 · 朝阳区" in grid

        today = MORNING.date().isoformat()
        response = desk.request.get(f"{live_server}/treatments/day-sheet.pdf?date={today}")
        assert response.ok
        sheet = tmp_path / "sheet.pdf"
        sheet.write_bytes(response.body())
        text = subprocess.run(
            ["pdftotext", str(sheet), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "上门路线" in text and "望京街道 6 号" in text
        assert text.index("10:00") < text.index("上门路线")
