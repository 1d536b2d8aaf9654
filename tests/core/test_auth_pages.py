"""Sign-in pages: cookie flags, lock-out, rate limiting, sessions that end, self-registration."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tcm_app.common.resident_id import build_resident_id
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.patients import Patient
from tcm_app.services import accounts
from tcm_app.services.notify import SandboxSender
from tests.factories import PASSWORD, create_patient, create_user, login


def test_sign_in_sets_a_protected_session_cookie(app, client):
    user = create_user(Role.DOCTOR)
    response = login(client, user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["X-Frame-Options"] == "DENY"


def test_wrong_password_is_a_form_error_not_a_redirect(app, client):
    user = create_user(Role.DOCTOR)
    response = client.post("/login", data={"username": user.username, "password": "nope12345"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_five_failures_lock_the_account_even_for_the_right_password(app, client):
    user = create_user(Role.DOCTOR)
    for _ in range(5):
        client.post("/login", data={"username": user.username, "password": "wrong-pass1"})
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 401
    assert "锁定" in response.get_data(as_text=True)


def test_deactivation_ends_open_sessions(app, client):
    doctor = create_user(Role.DOCTOR)
    login(client, doctor)
    assert client.get("/workbench").status_code != 302
    accounts.set_active(doctor, False, None)
    db.session.commit()
    response = client.get("/workbench")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_needs_post(app, client):
    login(client, create_user(Role.CLINIC))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/desk").status_code == 302


ADULT = build_resident_id("310101", date(1979, 9, 9), 12, "male")


def registration(**changes):
    form = {
        "username": "zhangsan",
        "password": "Zs-2024-pass",
        "confirm": "Zs-2024-pass",
        "legal_name": "张三",
        "id_number": ADULT,
        "phone": "13700001111",
        "accept_terms": "y",
        "consent_sensitive": "y",
    }
    form.update(changes)
    return form


def coded(client, **changes):
    """The registration form with a verification code asked for and read from the SMS sandbox."""
    sandbox = SandboxSender()
    client.application.config["SMS_SENDERS"] = [sandbox]
    phone = registration()["phone"]
    assert client.post("/register/code", data={"phone": phone}).status_code == 200
    code = re.search(r"验证码是(\d{6})", sandbox.last_to(phone)).group(1)
    return registration(code=code, **changes)


def test_patient_registers_under_real_name(app, client):
    response = client.post("/register", data=coded(client))
    assert response.status_code == 302
    patient = db.session.scalar(sa.select(Patient))
    assert (patient.legal_name, patient.sex, patient.birth_date) == (
        "张三",
        "male",
        date(1979, 9, 9),
    )
    assert "3101**********" in client.get("/me").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"id_number": ADULT[:-1] + ("1" if ADULT[-1] != "1" else "2")},
            "校验",
            id="bad-check-digit-shown-on-the-id-field",
        ),
        pytest.param({"password": "short1", "confirm": "short1"}, "8", id="short-password-refused"),
        pytest.param({"phone": "12345"}, "11", id="bad-phone-refused"),
        pytest.param(
            {"password": "zhangsan123", "confirm": "zhangsan123"},
            "用户名",
            id="password-containing-username-refused",
        ),
    ],
)
def test_registration_errors_are_shown_and_nothing_is_saved(app, client, changes, message):
    response = client.post("/register", data=coded(client, **changes))
    assert 400 <= response.status_code < 500
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_registering_the_same_id_twice_is_refused(app, client):
    client.post("/register", data=coded(client))
    other = client.application.test_client()
    response = other.post("/register", data=coded(other, username="someone"))
    assert response.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(Patient.id))) == 1


@pytest.fixture
def config_overrides(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}],
    indirect=True,
)
def test_login_page_is_rate_limited(app, client, config_overrides):
    create_patient()
    statuses = [
        client.post("/login", data={"username": "x", "password": "y1234567"}).status_code
        for _ in range(4)
    ]
    assert statuses[:3] == [401, 401, 401] and statuses[3] == 429


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        pytest.param("/workbench", "/workbench", id="next-path-on-this-site-followed"),
        pytest.param("https://evil.example/", "/", id="other-host-ignored"),
        pytest.param("//evil.example/x", "/", id="protocol-relative-host-ignored"),
        pytest.param("/\\evil.example", "/", id="backslash-trick-ignored"),
    ],
)
def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(app, client, next_url, lands_on):
    user = create_user(Role.DOCTOR)
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"username": user.username, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == lands_on


def test_a_page_that_needs_sign_in_says_so_in_chinese(app, client):
    response = client.get("/me")
    assert "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "请先登录后再访问此页面。" in page and "Please log in" not in page


def test_the_icon_is_served_where_browsers_look_for_it(app, client):
    """A PDF or image opened in its own tab has no <head>: the browser asks for /favicon.ico."""
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data
