"""A new patient registers on a phone: asks for the code, reads it in the text message (the SMS
sandbox stands in for the gateway), mistypes it first and is told so next to the field, ticks the
user agreement and the separate consent to processing health information, and lands home."""

import re
from datetime import date

from playwright.sync_api import expect

from tcm_app.common.resident_id import build_resident_id
from tcm_app.services.notify import SandboxSender

PHONE = "13700005678"
PASSWORD = "Lx-2026-spring"


def test_new_patient_registers_with_consent_and_phone_code(app, live_server, person, watcher):
    sms = SandboxSender()
    app.config["SMS_SENDERS"] = [sms]
    page = person("new patient", phone=True)
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="实名注册").click()

    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送至137****5678")
    code = re.search(r"验证码是(\d{6})", sms.last_to(PHONE)).group(1)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    page.get_by_label("短信验证码").fill(wrong)
    page.get_by_label("真实姓名").fill("李晓")
    page.get_by_label("身份证号").fill(build_resident_id("310101", date(1990, 3, 8), 21, "female"))
    page.get_by_label("用户名").fill("lixiao")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    expect(page.get_by_role("link", name="阅读：用户协议（第1版）")).to_be_visible()
    page.get_by_label("我已阅读并同意用户协议").check()
    page.get_by_text("为什么需要您单独同意处理健康信息").click()
    expect(page.get_by_text("第二十九条").first).to_be_visible()
    page.get_by_label("我单独同意处理我的敏感个人信息（健康信息）").check()
    watcher.expect("status of 422")
    page.get_by_role("button", name="注册", exact=True).click()

    code_field = page.locator(".field", has=page.get_by_label("短信验证码"))
    expect(code_field).to_contain_text("验证码不正确")
    expect(page.get_by_label("我已阅读并同意用户协议")).to_be_checked()
    page.get_by_label("短信验证码").fill(code)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="注册", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("您已完成实名注册")
    expect(page.get_by_role("heading", level=1)).to_contain_text("李晓")
