"""Account recovery as people live it, in Chromium through the rendered pages.

- A patient forgot her password: on her phone she follows 忘记密码 from the sign-in page, gives her
  username and phone, reads the code in the text message (the SMS sandbox stands in for the
  gateway), mistypes it first, then sets a new password; a browser where she was still signed in
  (her tablet) is signed out, and she signs in with the new password.
- An administrator resets a pharmacist's password and reads the temporary one, shown once; the
  pharmacist signs in with it, cannot open the review list, must choose a new password first (not
  the temporary one again), and then works as usual."""

import re

from playwright.sync_api import expect

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services.notify import SandboxSender
from tests.factories import PASSWORD, create_patient, create_pharmacist, create_user
from tests.journeys.conftest import sign_in

PHONE = "13812345678"  # the factories' patient phone
NEW_PASSWORD = "Lotus-2026-tea"


def test_patient_resets_a_forgotten_password_with_the_sms_code(app, live_server, person, watcher):
    sms = SandboxSender()
    app.config["SMS_SENDERS"] = [sms]
    patient = create_patient(name="王丽")
    username = patient.user.username
    db.session.commit()
    db.session.remove()

    tablet = person("patient's tablet", phone=True)
    sign_in(tablet, live_server, username, PASSWORD)
    expect(tablet.get_by_role("button", name="退出登录")).to_be_visible()

    page = person("patient", phone=True)
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="忘记密码？").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("忘记密码")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text(
        "如果用户名和手机号码相符，验证码已发送至138****5678"
    )
    code = re.search(r"验证码是(\d{6})", sms.last_to(PHONE)).group(1)

    page.get_by_label("短信验证码").fill(f"{(int(code) + 1) % 10**6:06d}")
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("确认新密码").fill(NEW_PASSWORD)
    watcher.expect("status of 422")
    page.get_by_role("button", name="设置新密码").click()
    code_field = page.locator(".field", has=page.get_by_label("短信验证码"))
    expect(code_field).to_contain_text("验证码不正确或已失效")

    page.get_by_label("短信验证码").fill(code)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("确认新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="设置新密码").click()
    expect(page.get_by_role("status")).to_contain_text("密码已修改，其他所有登录均已退出")
    sign_in(page, live_server, username, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("王丽")

    tablet.reload()
    expect(tablet).to_have_url(re.compile(r"/login"))


def test_admin_resets_a_pharmacists_password_and_she_must_change_it(
    app, live_server, person, watcher
):
    create_user(Role.ADMIN, username="admin-zhou", full_name="周管理员")
    pharmacist = create_pharmacist()
    pharmacist.full_name = "李药师"
    username = pharmacist.username
    db.session.commit()
    db.session.remove()

    desk = person("admin")
    sign_in(desk, live_server, "admin-zhou", PASSWORD)
    desk.get_by_role("link", name="账号管理").click()
    row = desk.locator("tr", has=desk.get_by_text(username, exact=True))
    row.get_by_role("button", name="重置密码").click()
    notice = desk.locator(".temporary-password")
    expect(notice).to_contain_text(f"{username} 的临时密码")
    expect(notice).to_contain_text("仅显示这一次")
    temporary = notice.locator("code.temporary").inner_text()
    row = desk.locator("tr", has=desk.get_by_text(username, exact=True))
    expect(row).to_contain_text("须修改密码")

    page = person("pharmacist")
    sign_in(page, live_server, username, temporary)
    expect(page.get_by_role("heading", level=1)).to_have_text("设置新密码")
    page.goto(f"{live_server}/herbs/review")
    expect(page).to_have_url(re.compile(r"/password/change$"))

    page.get_by_label("新密码", exact=True).fill(temporary)
    page.get_by_label("确认新密码").fill(temporary)
    watcher.expect("status of 422")
    page.get_by_role("button", name="保存新密码").click()
    field = page.locator(".field", has=page.get_by_label("新密码", exact=True))
    expect(field).to_contain_text("新密码不能与临时密码相同")

    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("确认新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_role("status").first).to_contain_text("新密码已设置")
    page.goto(f"{live_server}/herbs/review")
    expect(page).to_have_url(re.compile(r"/herbs/review$"))
