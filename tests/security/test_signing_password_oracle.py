"""Finding 4: setting the signing password asks for the login password. A wrong login password
there counts as a failed sign-in (same counter and lock, audited), so it is no unlimited oracle for
the login password; while locked it answers like a locked sign-in."""

from datetime import UTC, datetime

import pytest
import time_machine
from werkzeug.security import check_password_hash

from tcm_app.extensions import db
from tests.api.helpers import API, api_error, audit_entries
from tests.factories import PASSWORD, bearer, create_doctor, login

URL = f"{API}/me/signing-password"
NEW_SIGNING = "An0ther-secret"


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def set_signing(client, headers, login_password, source="203.0.113.9"):
    body = {"login_password": login_password, "signing_password": NEW_SIGNING}
    return client.put(URL, json=body, headers=headers, environ_base={"REMOTE_ADDR": source})


def test_a_wrong_login_password_here_counts_as_a_failed_sign_in(app, client, frozen):
    doctor = create_doctor()
    headers = bearer(doctor)
    api_error(set_signing(client, headers, "guess-1"), 422, "wrong_password")
    failures = audit_entries("auth.login_failed", doctor.id)
    assert len(failures) == 1 and failures[0].actor_id == doctor.id


def test_guessing_here_locks_like_signing_in(app, client, frozen):
    doctor = create_doctor()
    headers = bearer(doctor)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        set_signing(client, headers, "guess-1")

    api_error(set_signing(client, headers, PASSWORD), 401, "account_locked")
    token = client.post(
        f"{API}/auth/token",
        json={"username": doctor.username, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    api_error(token, 401, "account_locked")
    db.session.rollback()
    kept = db.session.get(type(doctor), doctor.id).signing_password_hash
    assert not check_password_hash(kept, NEW_SIGNING)


def test_failed_sign_ins_and_guesses_here_share_one_count(app, client, frozen):
    doctor = create_doctor()
    headers = bearer(doctor)
    source = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.post(
            f"{API}/auth/token",
            json={"username": doctor.username, "password": "guess-1"},
            environ_base=source,
        )
    api_error(set_signing(client, headers, "guess-2"), 422, "wrong_password")
    api_error(set_signing(client, headers, PASSWORD), 401, "account_locked")


def test_the_right_login_password_still_sets_it(app, client, frozen):
    doctor = create_doctor()
    headers = bearer(doctor)
    assert set_signing(client, headers, PASSWORD).status_code == 204


def test_the_page_form_counts_and_locks_the_same_way(app, client, frozen):
    doctor = create_doctor()
    login(client, doctor)
    form = {"login_password": "guess-1", "signing_password": NEW_SIGNING}
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/herbs/signing-password", data=form).status_code == 422

    response = client.post("/herbs/signing-password", data={**form, "login_password": PASSWORD})

    assert response.status_code == 401
    assert "分钟后再试" in response.get_data(as_text=True)
    assert len(audit_entries("auth.login_failed", doctor.id)) == app.config["LOGIN_MAX_FAILURES"]
