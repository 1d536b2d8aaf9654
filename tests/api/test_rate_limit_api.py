"""The token exchange is rate limited like the login form (LOGIN_RATE_LIMIT)."""

import pytest

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.api.helpers import API, api_error
from tests.factories import PASSWORD, create_user

TOKEN_URL = f"{API}/auth/token"


@pytest.fixture
def config_overrides():
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}


def test_fourth_token_request_in_a_minute_is_refused(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    body = {"username": user.username, "password": PASSWORD}
    for _ in range(3):
        assert client.post(TOKEN_URL, json=body).status_code == 201

    response = client.post(TOKEN_URL, json=body)

    api_error(response, 429)


def test_wrong_passwords_count_towards_the_limit(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    for _ in range(3):
        api_error(
            client.post(TOKEN_URL, json={"username": user.username, "password": "bad-1"}), 401
        )
    api_error(client.post(TOKEN_URL, json={"username": user.username, "password": PASSWORD}), 429)


def test_limit_does_not_apply_to_authenticated_reads(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    token = client.post(
        TOKEN_URL, json={"username": user.username, "password": PASSWORD}
    ).get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    for _ in range(6):
        assert client.get(f"{API}/me", headers=headers).status_code == 200
