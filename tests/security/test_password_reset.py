"""忘记密码: a patient resets their password with a code sent to the verified phone on record.

The answer to a request never tells whether the username or the phone exists, or whether the
account is staff (their passwords are reset by an administrator); every refusal of the code reads
the same. A reset ends every other session and API token, is audited, and the code is limited in
time and tries; sending is rate-limited per phone and per source."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import ApiToken, Role
from tcm_app.models.audit import AuditEntry
from tcm_app.services import phone_codes
from tcm_app.services.clock import utc_now
from tcm_app.services.notify import SandboxSender
from tests.factories import PASSWORD, bearer, create_patient, create_user, login

PHONE = "13812345678"  # the factories' patient phone
NEW_PASSWORD = "Spring-2026-tea"
NEUTRAL = "如果用户名和手机号码相符，验证码已发送"
CODE_REFUSED = "验证码不正确或已失效"


@pytest.fixture
def sms(app):
    sandbox = SandboxSender()
    app.config["SMS_SENDERS"] = [sandbox]
    return sandbox


@pytest.fixture
def patient(app):
    patient = create_patient()
    db.session.commit()
    return patient


def ask(client, username, phone=PHONE):
    return client.post("/password/forgot", data={"username": username, "phone": phone})


def code_in(sms, phone=PHONE) -> str | None:
    text = sms.last_to(phone)
    return re.search(r"验证码是(\d{6})", text).group(1) if text else None


def reset(client, username, code, password=NEW_PASSWORD, phone=PHONE, confirm=None):
    data = {
        "username": username,
        "phone": phone,
        "code": code,
        "password": password,
        "confirm": password if confirm is None else confirm,
    }
    return client.post("/password/reset", data=data)


def other(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def field_errors(response, name: str) -> str:
    page = response.get_data(as_text=True)
    field = page.split(f'name="{name}"', 1)[1].split("</div>", 1)[0]
    return field


def signed_out(client) -> bool:
    response = client.get("/inbox")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_login_page_links_to_forgotten_password(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "忘记密码" in page


def test_a_patient_resets_with_the_code_and_every_other_session_ends(app, client, sms, patient):
    user = patient.user
    elsewhere = app.test_client()
    login(elsewhere, user)
    headers = bearer(user)
    assert not signed_out(elsewhere)

    response = ask(client, user.username)
    assert response.status_code == 200 and NEUTRAL in response.get_data(as_text=True)
    response = reset(client, user.username, code_in(sms))

    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert signed_out(elsewhere)  # the old session is over
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    revoked = db.session.scalars(sa.select(ApiToken.revoked_at)).all()
    assert revoked and all(revoked)
    login(app.test_client(), user, NEW_PASSWORD)
    assert [a for a in actions() if a.startswith(("auth.password_reset", "user.password"))] == [
        "auth.password_reset_requested",
        "user.password",
        "auth.password_reset",
    ]


def test_a_reset_ends_the_sign_in_lock_she_ran_into(app, client, sms, patient):
    user = patient.user
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"username": user.username, "password": "wrong-guess-1"})
    locked = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert locked.status_code == 401 and "分钟后再试" in locked.get_data(as_text=True)

    ask(client, user.username)
    assert reset(client, user.username, code_in(sms)).status_code == 302
    login(client, user, NEW_PASSWORD)  # from the same address, at once


def test_the_reset_code_is_not_a_registration_code(app, client, sms, patient):
    ask(client, patient.user.username)
    with pytest.raises(ValidationError):
        phone_codes.verify_code(PHONE, code_in(sms), purpose="register")
    phone_codes.send_code(PHONE, "127.0.0.1", purpose="register")
    db.session.commit()
    response = reset(client, patient.user.username, code_in(sms))
    assert response.status_code == 422 and CODE_REFUSED in field_errors(response, "code")


def _staff_with_phone():
    staff = create_user(Role.PHARMACIST, username="pharm-li")
    staff.phone = PHONE
    db.session.commit()
    return staff.username


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda patient: patient.user.username, id="matching-patient"),
        pytest.param(lambda patient: "nobody-here", id="unknown-username"),
        pytest.param(lambda patient: patient.user.username.upper(), id="username-in-capitals"),
        pytest.param(lambda patient: _staff_with_phone(), id="staff-account"),
    ],
)
def test_a_request_answers_the_same_whoever_asks(app, client, sms, patient, who):
    response = ask(client, who(patient))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and NEUTRAL in page
    assert 'name="code"' in page and 'name="password"' in page


@pytest.mark.parametrize(
    ("username", "phone"),
    [
        pytest.param("nobody-here", PHONE, id="unknown-username-sends-nothing"),
        pytest.param(None, "13900009999", id="another-phone-sends-nothing"),
    ],
)
def test_no_code_goes_out_unless_username_and_phone_match(
    app, client, sms, patient, username, phone
):
    ask(client, username or patient.user.username, phone)
    assert sms.sent == []
    assert actions()[-1] == "auth.password_reset_refused"


def test_staff_cannot_reset_by_sms(app, client, sms, patient):
    username = _staff_with_phone()
    ask(client, username)
    assert sms.sent == []
    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "auth.password_reset_refused" and "staff" in entry.summary


@pytest.mark.parametrize(
    "case",
    ["wrong-code", "expired-code", "too-many-tries", "no-code-asked", "unknown-username"],
)
def test_every_code_refusal_reads_the_same_and_changes_nothing(app, client, sms, patient, case):
    username = patient.user.username
    traveller = None
    if case == "no-code-asked":
        code = "123456"
    else:
        ask(client, username)
        code = code_in(sms)
    if case == "wrong-code":
        code = other(code)
    elif case == "expired-code":
        traveller = time_machine.travel(utc_now() + timedelta(minutes=6), tick=False)
        traveller.start()
    elif case == "too-many-tries":
        for _ in range(5):
            reset(client, username, other(code))
    elif case == "unknown-username":
        username = "nobody-here"
    try:
        response = reset(client, username, code)
    finally:
        if traveller:
            traveller.stop()
    assert response.status_code == 422
    assert CODE_REFUSED in field_errors(response, "code")
    login(app.test_client(), patient.user, PASSWORD)  # the old password still works


def test_a_wrong_code_is_audited(app, client, sms, patient):
    ask(client, patient.user.username)
    reset(client, patient.user.username, other(code_in(sms)))
    assert actions()[-1] == "auth.password_reset_failed"


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        pytest.param("short1", None, "至少 8 个字符", id="too-short"),
        pytest.param("onlyletters", None, "须包含数字", id="no-digit"),
        pytest.param(NEW_PASSWORD, "Other-2026-x", "两次输入的密码不一致", id="confirm-differs"),
    ],
)
def test_a_weak_password_is_refused_and_the_code_stays_usable(
    app, client, sms, patient, password, confirm, message
):
    ask(client, patient.user.username)
    code = code_in(sms)
    response = reset(client, patient.user.username, code, password, confirm=confirm)
    assert response.status_code in (400, 422)
    errors = field_errors(response, "confirm" if confirm else "password")
    assert message in errors
    assert reset(client, patient.user.username, code).status_code == 302


def test_the_password_must_not_contain_the_username(app, client, sms, patient):
    ask(client, patient.user.username)
    password = f"{patient.user.username}-2026"
    response = reset(client, patient.user.username, code_in(sms), password)
    assert response.status_code == 422 and "用户名" in field_errors(response, "password")


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_ENABLED": True}])
def test_asking_is_rate_limited_per_phone_and_answers_the_same(app, client, sms, patient):
    first = ask(client, patient.user.username)
    second = ask(client, "nobody-here")  # same phone, within the minute
    assert first.status_code == 200
    assert second.status_code == 429 and "获取验证码过于频繁" in field_errors(second, "phone")
    assert len(sms.sent) == 1


@pytest.mark.parametrize(
    "config_overrides", [{"RATELIMIT_ENABLED": True, "PHONE_CODE_LIMIT_PER_IP": "2 per hour"}]
)
def test_asking_is_rate_limited_per_source(app, client, sms, patient):
    statuses = [ask(client, "nobody", f"1390000000{i}").status_code for i in range(3)]
    assert statuses == [200, 200, 429]
