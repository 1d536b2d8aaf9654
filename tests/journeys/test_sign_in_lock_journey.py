"""Someone types wrong passwords on the sign-in page until it is locked for their address: the
page says how many minutes to wait, in the same words whether or not the username exists."""

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import PASSWORD, create_user


def try_sign_in(page, base, username, password):
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    return page.locator(".field", has=page.get_by_label("密码")).inner_text()


def test_the_lock_tells_how_long_to_wait_and_not_who_exists(app, live_server, person, watcher):
    create_user(Role.DOCTOR, username="doctor-li")
    db.session.commit()
    db.session.remove()  # release SQLite's lock before the browser's requests arrive
    watcher.expect("status of 401")
    page = person("stranger")
    messages = {}
    for name in ("doctor-li", "nobody-here"):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            assert "用户名或密码错误" in try_sign_in(page, live_server, name, "Wrong-guess-1")
        messages[name] = try_sign_in(page, live_server, name, PASSWORD)
    assert "登录失败次数过多" in messages["doctor-li"] and "1 分钟后再试" in messages["doctor-li"]
    assert messages["doctor-li"] == messages["nobody-here"]
