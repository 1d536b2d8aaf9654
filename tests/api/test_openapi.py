"""The OpenAPI document: public, valid OpenAPI 3, complete, and true to what the API answers."""

import re

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from tcm_app.extensions import db
from tests.api.helpers import API, issue, upload
from tests.factories import create_doctor, create_encounter, create_patient

OPENAPI_URL = f"{API}/openapi.json"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def openapi_path(rule: str) -> str:
    """Flask's /encounters/<int:encounter_id> is OpenAPI's /encounters/{encounter_id}."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule)


def api_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document"
    ]


@pytest.fixture
def document(app, client):
    response = client.get(OPENAPI_URL)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def check(document, schema_name: str, instance) -> None:
    """Validate a response body against a named component schema of the document."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    OAS30Validator(schema).validate(instance)


def test_document_is_served_without_a_token(app, client):
    response = client.get(OPENAPI_URL)
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["openapi"].startswith("3.")


def test_document_is_valid_openapi(document):
    validate(document)


def test_every_api_route_is_documented_with_its_methods(app, document):
    rules = api_rules(app)
    assert len(rules) >= 10  # the API exists: a broken url_map would make this test empty
    missing = []
    for rule in rules:
        path = openapi_path(rule.rule)
        for method in sorted(rule.methods - IGNORED_METHODS):
            if method.lower() not in document["paths"].get(path, {}):
                missing.append(f"{method} {path} ({rule.endpoint})")
    assert missing == []


def test_document_lists_no_route_that_does_not_exist(app, document):
    served = {
        (openapi_path(rule.rule), method.lower())
        for rule in api_rules(app)
        for method in rule.methods - IGNORED_METHODS
    }
    documented = {
        (path, method)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert documented - served == set()


def test_public_and_protected_operations_are_marked(app, document):
    """Routes open without a token say `security: []`; every other one inherits bearer auth."""
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert document["security"] == [{"bearer": []}]
    wrong = []
    for rule in api_rules(app):
        public = app.view_functions[rule.endpoint].allowed_roles == {"anonymous"}
        for method in rule.methods - IGNORED_METHODS:
            operation = document["paths"][openapi_path(rule.rule)][method.lower()]
            if public != (operation.get("security") == []):
                wrong.append(f"{method} {rule.rule}")
    assert wrong == []


def test_every_operation_documents_the_json_error_body(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("401", "404", "422"):
                response = operation["responses"].get(status)
                assert response, f"{method} {path} lacks {status}"
                assert "application/json" in response["content"], f"{method} {path} {status}"


def test_path_parameters_are_declared(document):
    for path, operations in document["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for method, operation in operations.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}
            assert names == declared, f"{method} {path}"


def test_documented_success_statuses_match_the_api(app, client, document):
    expectations = {
        ("/api/v1/auth/token", "post"): "201",
        ("/api/v1/auth/token", "delete"): "204",
        ("/api/v1/encounters", "post"): "201",
        ("/api/v1/encounters/{encounter_id}/documents", "post"): "201",
        ("/api/v1/encounters/{encounter_id}/diagnoses", "post"): "201",
        ("/api/v1/encounters/{encounter_id}", "get"): "200",
    }
    for (path, method), status in expectations.items():
        assert status in document["paths"][path][method]["responses"], (path, method)


def test_encounter_response_matches_its_documented_schema(app, client, document):
    doctor = create_doctor()
    encounter = create_encounter(patient=create_patient(), doctor=doctor)
    patient_headers, _ = issue(encounter.patient.user)
    doctor_headers, _ = issue(doctor)
    upload(client, patient_headers, encounter.id)
    client.post(
        f"{API}/encounters/{encounter.id}/diagnoses",
        headers=doctor_headers,
        json={"disease_name": "感冒", "syndrome_name": "风寒束表证"},
    )
    body = client.get(f"{API}/encounters/{encounter.id}", headers=doctor_headers).get_json()
    assert body["documents"] and body["diagnoses"]
    check(document, "Encounter", body)
    check(
        document,
        "EncounterList",
        client.get(f"{API}/encounters", headers=doctor_headers).get_json(),
    )


def test_token_and_error_responses_match_their_documented_schemas(app, client, document):
    patient = create_patient()
    db.session.commit()
    from tests.factories import PASSWORD

    token = client.post(
        f"{API}/auth/token", json={"username": patient.user.username, "password": PASSWORD}
    ).get_json()
    check(document, "Token", token)
    error = client.post(f"{API}/auth/token", json={"username": "x"}).get_json()
    check(document, "Error", error)


def test_me_response_matches_its_documented_schema(app, client, document):
    patient = create_patient()
    headers, _ = issue(patient.user)
    response = client.get(f"{API}/me", headers=headers)
    assert response.status_code == 200
    check(document, "Me", response.get_json())
