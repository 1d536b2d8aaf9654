"""An administrator resets a staff password: the system makes a temporary one, shown once to the
administrator; every session and token of that person ends; at the next sign-in they can open
nothing but the change page (the API answers 403 password_change_required) until they choose a
new, strong password different from the temporary one. Audited at each step."""

import re

import pytest
import sqlalchemy as sa

from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.audit import AuditEntry
from tcm_app.services import recovery
from tests.factories import PASSWORD, bearer, create_patient, create_pharmacist, create_user, login

NEW_PASSWORD = "Autumn-2026-pear"


@pytest.fixture
def people(app):
    admin = create_user(Role.ADMIN, username="admin-wu")
    pharmacist = create_pharmacist()
    db.session.commit()
    return admin, pharmacist


def admin_resets(app, admin, user) -> str:
    client = app.test_client()
    login(client, admin)
    response = client.post(f"/admin/users/{user.id}/password")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    return re.search(r'<code class="temporary">([^<]+)</code>', page).group(1)


def sign_in(app, username, password):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    return client, response


def last_action() -> str:
    return db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc())).first()


def test_the_users_page_offers_a_reset_for_staff_only(app, people):
    admin, pharmacist = people
    patient = create_patient()
    db.session.commit()
    client = app.test_client()
    login(client, admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{pharmacist.id}/password" in page and "重置密码" in page
    assert f"/admin/users/{patient.user.id}/password" not in page
    assert f"/admin/users/{admin.id}/password" not in page


def test_a_reset_ends_every_session_and_token_and_is_audited(app, people):
    admin, pharmacist = people
    before = app.test_client()
    login(before, pharmacist)
    headers = bearer(pharmacist)
    temporary = admin_resets(app, admin, pharmacist)

    assert before.get("/herbs/review").status_code == 302  # signed out
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    user = db.session.get(User, pharmacist.id)
    db.session.refresh(user)
    assert user.must_change_password
    assert recovery.temporary_password() != temporary
    assert last_action() == "user.password_reset_by_admin"
    assert sign_in(app, pharmacist.username, PASSWORD)[1].status_code == 401  # old one is gone


def test_a_reset_ends_the_sign_in_lock_on_the_username(app, people):
    admin, pharmacist = people
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(app, pharmacist.username, "wrong-guess-1")
    assert "分钟后再试" in sign_in(app, pharmacist.username, PASSWORD)[1].get_data(as_text=True)

    temporary = admin_resets(app, admin, pharmacist)
    assert sign_in(app, pharmacist.username, temporary)[1].status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/herbs/review", id="review-list"),
        pytest.param("/", id="home"),
        pytest.param("/inbox", id="inbox"),
        pytest.param("/herbs/signing-password", id="signing-password"),
    ],
)
def test_until_changed_every_page_leads_to_the_change_page(app, people, path):
    admin, pharmacist = people
    temporary = admin_resets(app, admin, pharmacist)
    client, response = sign_in(app, pharmacist.username, temporary)
    assert response.status_code == 302
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == "/password/change"


def test_until_changed_the_api_answers_password_change_required(app, people):
    admin, pharmacist = people
    temporary = admin_resets(app, admin, pharmacist)
    token = app.test_client().post(
        "/api/v1/auth/token", json={"username": pharmacist.username, "password": temporary}
    )
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    response = app.test_client().get("/api/v1/me", headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "password_change_required"
    assert app.test_client().delete("/api/v1/auth/token", headers=headers).status_code < 300


def test_the_change_page_logout_and_static_files_stay_open(app, people):
    admin, pharmacist = people
    temporary = admin_resets(app, admin, pharmacist)
    client, _ = sign_in(app, pharmacist.username, temporary)
    assert client.get("/password/change").status_code == 200
    # The change page links every registered stylesheet, the domains' among them.
    for path in (
        "/static/favicon.svg",
        "/favicon.ico",
        "/static/app.css",
        "/herbs/static/herbs.css",
    ):
        response = client.get(path)
        response.close()
        assert response.status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/herbs/review").headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        pytest.param("temporary", None, "不能与临时密码相同", id="same-as-temporary"),
        pytest.param("short1", None, "至少 8 个字符", id="too-short"),
        pytest.param("no-digits-here", None, "须包含数字", id="no-digit"),
        pytest.param(NEW_PASSWORD, "Other-2026-x", "两次输入的密码不一致", id="confirm-differs"),
    ],
)
def test_a_weak_or_same_password_is_refused_at_the_field(app, people, password, confirm, message):
    admin, pharmacist = people
    temporary = admin_resets(app, admin, pharmacist)
    client, _ = sign_in(app, pharmacist.username, temporary)
    password = temporary if password == "temporary" else password
    response = client.post(
        "/password/change",
        data={"password": password, "confirm": password if confirm is None else confirm},
    )
    assert 400 <= response.status_code < 500
    errors = response.get_data(as_text=True).split('class="field-error"', 1)[1]
    assert message in errors.split("</ul>", 1)[0]
    assert client.get("/herbs/review").headers["Location"] == "/password/change"


def test_a_new_password_clears_the_flag_and_the_session_goes_on(app, people):
    admin, pharmacist = people
    temporary = admin_resets(app, admin, pharmacist)
    client, _ = sign_in(app, pharmacist.username, temporary)
    response = client.post(
        "/password/change", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/herbs/review").status_code == 200
    assert not db.session.get(User, pharmacist.id).must_change_password
    assert last_action() == "user.temporary_password_replaced"
    assert sign_in(app, pharmacist.username, temporary)[1].status_code == 401
    assert sign_in(app, pharmacist.username, NEW_PASSWORD)[1].status_code == 302


@pytest.mark.parametrize(
    "target",
    [pytest.param("patient", id="a-patient-resets-by-sms"), pytest.param("self", id="own-account")],
)
def test_an_administrator_cannot_reset_patients_or_themselves_here(app, people, target):
    admin, _ = people
    user = create_patient().user if target == "patient" else admin
    db.session.commit()
    hash_before = user.password_hash
    client = app.test_client()
    login(client, admin)
    response = client.post(f"/admin/users/{user.id}/password")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.password_hash == hash_before and not user.must_change_password


def test_only_an_administrator_may_reset(app, people):
    _, pharmacist = people
    doctor = create_user(Role.DOCTOR)
    db.session.commit()
    client = app.test_client()
    login(client, doctor)
    assert client.post(f"/admin/users/{pharmacist.id}/password").status_code == 403
