"""Each domain's API is its own blueprint nested in the core API: same /api/v1 URLs, endpoints
`api.<domain>.<name>`, and what is keyed on the core API (JSON errors, no CSRF, the password-change
refusal) applies to it too."""

import pytest

from tcm_app.domains import INSTALLED_DOMAINS
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.api.helpers import API, api_error, issue
from tests.factories import create_doctor, create_user


@pytest.mark.parametrize("domain", INSTALLED_DOMAINS)
def test_each_domain_nests_its_api_blueprint_under_the_core_api(app, domain):
    assert f"api.{domain}" in app.blueprints
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith(f"api.{domain}.")]
    assert rules, f"the {domain} API serves nothing"
    assert all(rule.rule.startswith(f"{API}/") for rule in rules)


def test_domain_api_refusals_are_json(app, client):
    api_error(client.get(f"{API}/herbs"), 401, "unauthenticated")
    headers, _ = issue(create_user(Role.PATIENT))
    api_error(client.get(f"{API}/herbs", headers=headers), 403, "forbidden")
    api_error(client.get(f"{API}/herbs?limit=x", headers=issue(create_doctor())[0]), 422)


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_domain_api_write_needs_no_csrf_token(app, client):
    headers, _ = issue(create_doctor())
    body = {"herbs": [{"name": "甘草", "dose_g": 6}], "packets": 7}
    response = client.post(f"{API}/prescriptions/check", headers=headers, json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


def test_domain_api_refuses_a_token_whose_password_must_change(app, client):
    doctor = create_doctor()
    headers, _ = issue(doctor)
    doctor.must_change_password = True
    db.session.commit()
    api_error(client.get(f"{API}/herbs", headers=headers), 403, "password_change_required")


@pytest.mark.parametrize(
    ("endpoint", "method", "rule"),
    [
        pytest.param(
            "api.consults.phone_consult_get",
            "GET",
            "/encounters/<int:encounter_id>/phone-consult",
            id="read",
        ),
        pytest.param(
            "api.consults.phone_consult_request",
            "POST",
            "/encounters/<int:encounter_id>/phone-consult",
            id="ask",
        ),
        pytest.param(
            "api.consults.phone_consult_record",
            "POST",
            "/encounters/<int:encounter_id>/phone-consult/calls",
            id="record",
        ),
    ],
)
def test_the_phone_consult_api_is_the_consults_domains(app, client, endpoint, method, rule):
    """电话问诊 over the API belongs to the consults blueprint (its refusals are the JSON errors
    of the core API: a pharmacist may not use it)."""
    [served] = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]
    assert served.rule == f"{API}{rule}" and method in served.methods
    url = served.rule.replace("<int:encounter_id>", "1")
    api_error(client.open(url, method=method), 401, "unauthenticated")
    headers, _ = issue(create_user(Role.PHARMACIST))
    api_error(client.open(url, method=method, headers=headers, json={}), 403, "forbidden")
