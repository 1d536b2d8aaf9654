"""A doctor signed in at 08:30 starts a video consult at 09:05, more than REAUTH_MINUTES (30)
later: she is asked for her login password again (a mistyped one is refused at the field), then
starts the consult and is in the call. The clock is frozen on a Wednesday morning and moved on, so
the journey passes at any hour."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from playwright.sync_api import expect

from tcm_app.extensions import db
from tests.factories import PASSWORD, create_doctor, create_encounter, create_patient
from tests.journeys.conftest import sign_in

MORNING = datetime(2026, 3, 4, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday


def test_a_doctor_signed_in_long_ago_proves_her_password_before_the_consult(
    app, live_server, person, watcher
):
    with time_machine.travel(MORNING, tick=True) as clock:
        doctor = create_doctor(username="dr-zhang")
        encounter = create_encounter(patient=create_patient(name="王丽"), doctor=doctor)
        visit = f"{live_server}/encounters/{encounter.id}"
        db.session.commit()
        db.session.remove()

        desk = person("doctor")
        sign_in(desk, live_server, "dr-zhang", PASSWORD)
        clock.move_to(MORNING + timedelta(minutes=35))

        desk.goto(visit)
        desk.get_by_role("button", name="开始视频问诊").click()
        expect(desk.get_by_role("heading", level=1)).to_have_text("请再次输入登录密码")
        expect(desk.locator("main")).to_contain_text("您上次验证密码已超过30分钟")
        expect(desk.get_by_role("alert").first).to_contain_text("操作尚未执行")

        desk.get_by_label("登录密码").fill("not-my-password-1")
        watcher.expect("status of 401")
        desk.get_by_role("button", name="继续").click()
        field = desk.locator(".field", has=desk.get_by_label("登录密码"))
        expect(field).to_contain_text("密码不正确")

        desk.get_by_label("登录密码").fill(PASSWORD)
        desk.get_by_role("button", name="继续").click()
        expect(desk).to_have_url(visit)
        desk.get_by_role("button", name="开始视频问诊").click()
        desk.wait_for_url(re.compile(r"/consults/\d+/call$"))
        assert "王丽" in desk.get_by_role("complementary").inner_text()
        # Leave the call while the clock is still frozen: the page's heartbeat would otherwise
        # reach a server back at today's date, where this morning's call is months old (400).
        desk.close()
