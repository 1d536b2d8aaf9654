"""API sign-in: token exchange, lock-out, bearer-only authentication, revocation and expiry."""

import base64
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask import g
from flask.testing import FlaskClient

from tcm_app.extensions import db
from tcm_app.models.accounts import ApiToken, LoginThrottle, Role, User
from tcm_app.models.types import utcnow
from tests.api.helpers import API, api_error, audit_entries, forget_uncommitted, issue
from tests.factories import (
    PASSWORD,
    create_child,
    create_doctor,
    create_patient,
    create_user,
    login,
)

TOKEN_URL = f"{API}/auth/token"
ME_URL = f"{API}/me"


def ask_token(client, username, password=PASSWORD):
    return client.post(TOKEN_URL, json={"username": username, "password": password})


def reload(user) -> User:
    forget_uncommitted()
    return db.session.get(User, user.id)


# --- token exchange -------------------------------------------------------------------------------


def test_right_password_gives_an_expiring_bearer_token(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    before = utcnow()
    response = ask_token(client, user.username)
    after = utcnow()

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    assert "password" not in body
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at.tzinfo is not None
    lifetime = timedelta(hours=app.config["API_TOKEN_HOURS"])
    assert (
        before + lifetime - timedelta(seconds=5)
        <= expires_at
        <= after + lifetime + timedelta(seconds=5)
    )


def test_username_is_matched_case_insensitively(app, client):
    create_user(Role.PATIENT, username="wang.li")
    db.session.commit()
    assert ask_token(client, "  Wang.Li ").status_code == 201


def test_issued_token_authenticates_me(app, client):
    patient = create_patient(name="王丽")
    db.session.commit()
    token = ask_token(client, patient.user.username).get_json()["token"]

    response = client.get(ME_URL, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["user"]["id"] == patient.user.id
    assert body["user"]["username"] == patient.user.username
    assert body["user"]["role"] == "patient"
    assert [p["id"] for p in body["patients"]] == [patient.id]


def test_bearer_scheme_is_case_insensitive(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    token = ask_token(client, user.username).get_json()["token"]
    assert client.get(ME_URL, headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_me_of_a_guardian_lists_the_children_in_their_care(app, client):
    guardian = create_patient(name="王丽")
    child = create_child(guardian, years=4, name="王小明")
    create_patient(name="陌生人")  # someone else: never listed
    headers, _ = issue(guardian.user)

    body = client.get(ME_URL, headers=headers).get_json()

    assert sorted(p["id"] for p in body["patients"]) == sorted([guardian.id, child.id])
    listed_child = next(p for p in body["patients"] if p["id"] == child.id)
    assert listed_child["guardian_id"] == guardian.id


def test_me_masks_identifiers(app, client):
    patient = create_patient()
    headers, _ = issue(patient.user)
    text = client.get(ME_URL, headers=headers).get_data(as_text=True)
    assert patient.id_number not in text
    assert patient.phone not in text
    body = client.get(ME_URL, headers=headers).get_json()
    assert body["patients"][0]["id_number_masked"] != patient.id_number


def test_me_of_a_doctor_lists_no_patients(app, client):
    doctor = create_doctor()
    headers, _ = issue(doctor)
    body = client.get(ME_URL, headers=headers).get_json()
    assert body["user"]["role"] == "doctor"
    assert body["patients"] == []


def test_only_a_digest_of_the_token_is_stored(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    token = ask_token(client, user.username).get_json()["token"]
    stored = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert len(stored) == 1
    assert stored[0].token_digest != token
    assert token not in stored[0].token_digest


def test_each_exchange_gives_a_different_token(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    first = ask_token(client, user.username).get_json()["token"]
    second = ask_token(client, user.username).get_json()["token"]
    assert first != second


def test_wrong_password_is_refused(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    response = ask_token(client, user.username, "not-the-password")
    error = api_error(response, 401, "invalid_credentials")
    assert "token" not in response.get_json()
    assert error["code"] == "invalid_credentials"


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    wrong_password = api_error(
        ask_token(client, user.username, "nope-nope-1"), 401, "invalid_credentials"
    )
    unknown_user = api_error(
        ask_token(client, "nobody-here", "nope-nope-1"), 401, "invalid_credentials"
    )
    assert unknown_user["message"] == wrong_password["message"]


def test_failed_attempt_is_counted_and_audited(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    api_error(ask_token(client, user.username, "wrong-1"), 401, "invalid_credentials")
    assert reload(user).failed_login_count == 1
    failures = audit_entries("auth.login_failed", user.id)
    assert len(failures) == 1
    assert failures[0].actor_id == user.id


def test_successful_exchange_is_audited(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    ask_token(client, user.username)
    assert [e.actor_id for e in audit_entries("auth.login", user.id)] == [user.id]
    issued = audit_entries("auth.token_issued")
    assert [e.actor_id for e in issued] == [user.id]


def test_success_resets_the_failure_count(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    for _ in range(3):
        ask_token(client, user.username, "wrong-password")
    assert ask_token(client, user.username).status_code == 201
    assert reload(user).failed_login_count == 0
    # Four more failures do not lock: the count started again after the success.
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        ask_token(client, user.username, "wrong-password")
    assert ask_token(client, user.username).status_code == 201


def test_account_locks_after_repeated_wrong_passwords(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        api_error(ask_token(client, user.username, "wrong-password"), 401)

    response = ask_token(client, user.username)  # the right password, too late

    api_error(response, 401, "account_locked")
    assert "token" not in response.get_json()
    # Locked for this username from this address (issue 15: not the account everywhere).
    forget_uncommitted()
    pair = db.session.scalar(sa.select(LoginThrottle).where(LoginThrottle.source == "127.0.0.1"))
    assert pair.username == user.username and pair.locked_until is not None
    assert audit_entries("auth.login_refused", user.id)


def test_four_wrong_passwords_do_not_lock(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        api_error(ask_token(client, user.username, "wrong-password"), 401, "invalid_credentials")
    assert ask_token(client, user.username).status_code == 201


def test_lock_ends_when_its_time_is_over(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        ask_token(client, user.username, "wrong-password")
    forget_uncommitted()
    pair = db.session.scalar(sa.select(LoginThrottle).where(LoginThrottle.source == "127.0.0.1"))
    pair.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert ask_token(client, user.username).status_code == 201


def test_deactivated_user_cannot_exchange_a_password(app, client):
    user = create_user(Role.PATIENT)
    user.active = False
    db.session.commit()
    api_error(ask_token(client, user.username), 401, "invalid_credentials")


@pytest.mark.parametrize(
    ("kwargs", "label"),
    [
        (
            {"data": "username=a&password=b", "content_type": "application/x-www-form-urlencoded"},
            "form",
        ),
        ({"data": "{not json", "content_type": "application/json"}, "broken JSON"),
        ({"json": ["user", "password"]}, "JSON array"),
        ({"json": "user:password"}, "JSON string"),
        ({"data": "null", "content_type": "application/json"}, "JSON null"),
        ({}, "no body"),
    ],
)
def test_body_that_is_not_a_json_object_is_refused(app, client, kwargs, label):
    response = client.post(TOKEN_URL, **kwargs)
    assert response.status_code in (400, 422), (label, response.status_code)
    api_error(response, response.status_code)


@pytest.mark.parametrize(
    ("body", "bad_fields"),
    [
        ({"username": "someone"}, {"password"}),
        ({"password": "secret-1"}, {"username"}),
        ({}, {"username", "password"}),
        ({"username": 12, "password": ["a"]}, {"username", "password"}),
        ({"username": "", "password": ""}, {"username", "password"}),
    ],
)
def test_missing_or_mistyped_fields_are_named(app, client, body, bad_fields):
    error = api_error(client.post(TOKEN_URL, json=body), 422)
    assert bad_fields <= set(error.get("fields", {})), error


def test_password_is_never_echoed_in_a_validation_error(app, client):
    response = client.post(TOKEN_URL, json={"username": "x" * 65, "password": "very-secret-value"})
    api_error(response, 422)
    assert "very-secret-value" not in response.get_data(as_text=True)


# --- using and ending a token ---------------------------------------------------------------------


def test_revoked_token_is_refused(app, client):
    user = create_user(Role.PATIENT)
    headers, token = issue(user)
    assert client.get(ME_URL, headers=headers).status_code == 200

    response = client.delete(TOKEN_URL, headers=headers)

    assert response.status_code == 204
    api_error(client.get(ME_URL, headers=headers), 401, "unauthenticated")
    forget_uncommitted()
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert audit_entries("auth.token_revoked", token.id)


def test_revoking_one_token_keeps_the_others(app, client):
    user = create_user(Role.PATIENT)
    phone, _ = issue(user)
    laptop, _ = issue(user)
    assert client.delete(TOKEN_URL, headers=phone).status_code == 204
    assert client.get(ME_URL, headers=laptop).status_code == 200


def test_revoking_needs_a_token(app, client):
    api_error(client.delete(TOKEN_URL), 401, "unauthenticated")


def test_expired_token_is_refused(app, client):
    user = create_user(Role.PATIENT)
    headers, token = issue(user)
    assert client.get(ME_URL, headers=headers).status_code == 200
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    api_error(client.get(ME_URL, headers=headers), 401, "unauthenticated")


def test_token_of_a_deactivated_user_is_refused(app, client):
    user = create_user(Role.DOCTOR)
    headers, _ = issue(user)
    user.active = False
    db.session.commit()
    api_error(client.get(ME_URL, headers=headers), 401, "unauthenticated")


@pytest.mark.parametrize("path", ["/me", "/encounters", "/departments", "/doctors"])
def test_use_of_a_token_is_recorded(app, client, path):
    user = create_user(Role.PATIENT)
    headers, token = issue(user)
    assert token.last_used_at is None
    assert client.get(f"{API}{path}", headers=headers).status_code == 200
    forget_uncommitted()
    assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_revoked_token_cannot_revoke_again(app, client):
    headers, _ = issue(create_user(Role.PATIENT))
    assert client.delete(TOKEN_URL, headers=headers).status_code == 204
    api_error(client.delete(TOKEN_URL, headers=headers), 401, "unauthenticated")


def test_deactivation_ends_tokens_for_good(app, client):
    from tcm_app.services.accounts import set_active

    admin = create_user(Role.ADMIN)
    user = create_user(Role.DOCTOR)
    headers, _ = issue(user)
    set_active(user, False, admin)
    db.session.commit()
    api_error(client.get(ME_URL, headers=headers), 401)
    set_active(user, True, admin)
    db.session.commit()
    api_error(client.get(ME_URL, headers=headers), 401)  # reactivation does not revive old tokens


def test_token_response_is_not_cacheable(app, client):
    """RFC 6749 §5.1: a response carrying a credential says Cache-Control: no-store."""
    user = create_user(Role.PATIENT)
    db.session.commit()
    response = ask_token(client, user.username)
    assert response.status_code == 201
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_session_cookie_alone_does_not_open_the_api(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    login(client, user)  # a signed-in browser session (the cookie is now in the client)
    g.pop("_login_user", None)  # the test shares `g` with requests: leave only the cookie

    response = client.get(ME_URL)

    api_error(response, 401, "unauthenticated")


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + base64.b64encode(b"someone:" + PASSWORD.encode()).decode(),
        "Bearer",
        "Bearer ",
        "Bearer not-a-real-token",
        "Token abc",
        "",
    ],
)
def test_anything_but_a_valid_bearer_token_is_refused(app, client, authorization):
    create_user(Role.PATIENT, username="someone")
    db.session.commit()
    api_error(client.get(ME_URL, headers={"Authorization": authorization}), 401, "unauthenticated")


def test_basic_auth_with_the_right_password_is_refused(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    credentials = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    api_error(client.get(ME_URL, headers={"Authorization": f"Basic {credentials}"}), 401)


def test_token_in_the_query_string_is_not_accepted(app, client):
    user = create_user(Role.PATIENT)
    headers, _ = issue(user)
    plain = headers["Authorization"].split(" ", 1)[1]
    api_error(client.get(f"{ME_URL}?access_token={plain}"), 401)


def test_unauthenticated_api_request_is_not_redirected_to_the_login_page(app, client):
    response = client.get(f"{API}/encounters")
    api_error(response, 401)
    assert "Location" not in response.headers


def revoke(token):
    token.revoked_at = utcnow()


def expire(token):
    token.expires_at = utcnow() - timedelta(seconds=1)


def deactivate_user(token):
    token.user.active = False


@pytest.mark.parametrize(
    "end", [revoke, expire, deactivate_user], ids=["revoked", "expired", "user deactivated"]
)
def test_token_is_checked_afresh_by_each_request_sharing_an_app_context(app, end):
    """The lookup is kept for its request only, even where one app context (and its `g`) spans
    several requests: a plain test client inside the test's context."""
    headers, token = issue(create_user(Role.PATIENT))
    client = FlaskClient(app)
    assert client.get(ME_URL, headers=headers).status_code == 200
    end(db.session.get(ApiToken, token.id))
    db.session.commit()
    api_error(client.get(ME_URL, headers=headers), 401, "unauthenticated")


def test_use_within_the_minute_leaves_the_recorded_use_alone(app, client):
    headers, token = issue(create_user(Role.PATIENT))
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, 10), tick=False):
        assert client.get(ME_URL, headers=headers).status_code == 200
        forget_uncommitted()
        first_use = db.session.get(ApiToken, token.id).last_used_at
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, 50), tick=False):
        assert client.get(ME_URL, headers=headers).status_code == 200
        forget_uncommitted()
        assert db.session.get(ApiToken, token.id).last_used_at == first_use
    with time_machine.travel(datetime(2026, 3, 2, 9, 1, 10), tick=False):
        assert client.get(ME_URL, headers=headers).status_code == 200
        forget_uncommitted()
        assert db.session.get(ApiToken, token.id).last_used_at > first_use
