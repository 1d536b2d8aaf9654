"""With CSRF protection on (as in production), the bearer-token API is exempt from it."""

import pytest

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.api.helpers import API, issue, request_visit
from tests.factories import PASSWORD, create_doctor, create_patient, create_user


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True}


def test_token_exchange_needs_no_csrf_token(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    response = client.post(
        f"{API}/auth/token", json={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 201, response.get_data(as_text=True)


def test_bearer_write_needs_no_csrf_token(app, client):
    patient = create_patient()
    headers, _ = issue(patient.user)
    response = request_visit(client, headers, patient.id, create_doctor().id)
    assert response.status_code == 201, response.get_data(as_text=True)


def test_html_login_form_still_demands_csrf(app, client):
    user = create_user(Role.PATIENT)
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
