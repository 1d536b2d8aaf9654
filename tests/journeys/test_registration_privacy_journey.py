"""Someone registers on a phone with the ID number of a person who is already a patient here (a
relative trying it, or a stranger probing): the page refuses in neutral words that do not confirm
the person is a patient, and points to signing in, resetting the password or the hospital."""

import re

from playwright.sync_api import expect

from tcm_app.extensions import db
from tcm_app.services.notify import SandboxSender
from tests.factories import create_patient

PHONE = "13700005679"
PASSWORD = "Lx-2026-spring"


def test_a_known_id_number_is_refused_without_confirming_the_patient(
    app, live_server, person, watcher
):
    known = create_patient(name="王丽").id_number
    db.session.commit()
    db.session.remove()  # release SQLite's lock before the browser's requests arrive
    sms = SandboxSender()
    app.config["SMS_SENDERS"] = [sms]
    page = person("stranger", phone=True)
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="实名注册").click()
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    code = re.search(r"验证码是(\d{6})", sms.last_to(PHONE)).group(1)

    page.get_by_label("短信验证码").fill(code)
    page.get_by_label("真实姓名").fill("王丽")
    page.get_by_label("身份证号").fill(known)
    page.get_by_label("用户名").fill("wangli-2")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_label("我已阅读并同意用户协议").check()
    page.get_by_label("我单独同意处理我的敏感个人信息（健康信息）").check()
    watcher.expect("status of 409")
    page.get_by_role("button", name="注册", exact=True).click()

    main = page.locator("main")
    expect(main).to_contain_text("这些信息无法用于注册。如果您已有账号，请登录或找回密码")
    assert "已注册" not in main.inner_text()
    id_field = page.locator(".field", has=page.get_by_label("身份证号"))
    assert "无法用于注册" not in id_field.inner_text()  # the refusal names no field
