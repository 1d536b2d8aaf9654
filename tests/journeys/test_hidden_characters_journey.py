"""Hidden characters as people meet them (issue 15, finding 9): a patient registering on a phone
with a right-to-left override pasted into her name is told so next to the field and registers
once it is gone; a doctor reading a complaint or a consult chat that carries such characters sees
each as a marked ⟨U+202E⟩, while the record keeps what was written."""

import re
from datetime import date

from playwright.sync_api import expect

from consults.models import ChatMessage
from tcm_app.common.resident_id import build_resident_id
from tcm_app.extensions import db
from tcm_app.services import encounters as encounter_service
from tcm_app.services.clock import clinic_today
from tcm_app.services.notify import SandboxSender
from tests.factories import (
    PASSWORD,
    create_doctor,
    create_patient,
    create_prescribable_encounter,
)
from tests.journeys.conftest import sign_in

PHONE = "13700006789"


def test_a_name_with_a_direction_override_is_refused_at_the_field(
    app, live_server, person, watcher
):
    sms = SandboxSender()
    app.config["SMS_SENDERS"] = [sms]
    page = person("new patient", phone=True)
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="实名注册").click()
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    code = re.search(r"验证码是(\d{6})", sms.last_to(PHONE)).group(1)

    page.get_by_label("短信验证码").fill(code)
    page.get_by_label("真实姓名").fill("李晓\u202e明")
    page.get_by_label("身份证号").fill(build_resident_id("310101", date(1990, 3, 8), 21, "female"))
    page.get_by_label("用户名").fill("lixiao")
    page.get_by_label("密码", exact=True).fill("Lx-2026-spring")
    page.get_by_label("确认密码").fill("Lx-2026-spring")
    page.get_by_label("我已阅读并同意用户协议").check()
    page.get_by_label("我单独同意处理我的敏感个人信息（健康信息）").check()
    watcher.expect("status of 400")
    page.get_by_role("button", name="注册", exact=True).click()

    name_field = page.locator(".field", has=page.get_by_label("真实姓名"))
    expect(name_field).to_contain_text("含有不可见字符或改变文字方向的字符")
    page.get_by_label("真实姓名").fill("李晓明")
    page.get_by_label("密码", exact=True).fill("Lx-2026-spring")
    page.get_by_label("确认密码").fill("Lx-2026-spring")
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("李晓明")


def test_the_doctor_sees_hidden_characters_in_a_complaint_as_markers(app, live_server, person):
    doctor, patient = create_doctor(), create_patient()
    complaint = "胃痛\u202e天三\u200b已"
    encounter = encounter_service.request_encounter(
        patient.user, patient, doctor, "online_followup", complaint, clinic_today()
    )
    username, encounter_id = doctor.username, encounter.id
    db.session.commit()
    db.session.remove()

    page = person("doctor")
    sign_in(page, live_server, username, PASSWORD)
    page.goto(f"{live_server}/encounters/{encounter_id}")
    shown = page.locator("p.prewrap", has_text="胃痛")
    expect(shown).to_have_text("胃痛⟨U+202E⟩天三⟨U+200B⟩已")
    expect(shown.locator(".hidden-char")).to_have_count(2)
    expect(shown.locator(".hidden-char").first).to_have_attribute(
        "title", "不可见字符或改变文字方向的控制字符"
    )


def test_the_consult_chat_shows_hidden_characters_as_markers(app, live_server, person):
    encounter = create_prescribable_encounter()
    db.session.add(
        ChatMessage(
            encounter_id=encounter.id, sender_id=encounter.patient.user.id, text="好多\u202e了"
        )
    )
    username, encounter_id = encounter.doctor.username, encounter.id
    db.session.commit()
    db.session.remove()

    page = person("doctor")
    sign_in(page, live_server, username, PASSWORD)
    page.goto(f"{live_server}/consults/{encounter_id}/call")
    line = page.locator("#chat-log li", has_text="好多")
    expect(line).to_contain_text("好多⟨U+202E⟩了")
    expect(line.locator(".hidden-char")).to_have_text("⟨U+202E⟩")
    expect(line.locator(".hidden-char")).to_have_attribute(
        "title", "不可见字符或改变文字方向的控制字符"
    )
