"""GET /api/v1/codes: the GB/T 15657-2021 table for doctors and pharmacists, and the chosen codes in
the encounter and prescription answers."""

import pytest

from tests.api.helpers import API, api_error, issue, url
from tests.factories import create_pharmacist


def search(client, headers, **params):
    return client.get(f"{API}/codes", headers=headers, query_string=params)


@pytest.mark.parametrize(
    ("params", "first_code", "first_name"),
    [
        pytest.param(
            {"q": "wpb", "kind": "disease"}, "A04.03.15", "胃痞病", id="initials find the disease"
        ),
        pytest.param(
            {"q": "weipi", "kind": "disease"}, "A04.03.15", "胃痞病", id="pinyin finds the disease"
        ),
        pytest.param(
            {"q": "脾气虚", "kind": "pattern"},
            "B04.03.01.03.01",
            "脾气虚证",
            id="a Chinese prefix finds the pattern",
        ),
    ],
)
def test_search_answers_best_match_first(
    app, client, doctor_headers, params, first_code, first_name
):
    response = search(client, doctor_headers, **params)
    assert response.status_code == 200, response.get_data(as_text=True)
    first = response.get_json()["items"][0]
    assert (first["code"], first["name"], first["kind"]) == (first_code, first_name, params["kind"])


def test_usual_patterns_of_the_disease_are_first_and_marked(app, client, doctor_headers):
    items = search(client, doctor_headers, kind="pattern", disease="A04.03.15").get_json()["items"]
    assert items and all(item["usual"] for item in items[:10])


def test_temporary_terms_are_marked(app, client, doctor_headers):
    items = search(client, doctor_headers, q="胃痛", kind="disease").get_json()["items"]
    assert items[0]["code"] == "A17.30" and items[0]["temporary"] is True


def test_pharmacists_may_search_patients_may_not(app, client, encounter, patient_headers):
    pharmacist_headers, _ = issue(create_pharmacist())
    assert search(client, pharmacist_headers, q="wpb").status_code == 200
    api_error(search(client, patient_headers, q="wpb"), 403)
    api_error(client.get(f"{API}/codes", query_string={"q": "wpb"}), 401)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"kind": "symptom"}, id="an unknown kind is a 422"),
        pytest.param({"q": "x" * 33}, id="an overlong query is a 422"),
    ],
)
def test_bad_search_is_a_json_422(app, client, doctor_headers, params):
    api_error(search(client, doctor_headers, **params), 422)


def test_the_encounter_answer_carries_the_chosen_codes(app, client, encounter, doctor_headers):
    response = client.post(
        url(encounter, "diagnoses"),
        headers=doctor_headers,
        json={
            "disease_name": "胃痞病",
            "disease_code": "A04.03.15",
            "syndrome_name": "脾气虚证",
            "syndrome_code": "B04.03.01.03.01",
            "treatment_method": "健脾和胃",
            "western_name": "功能性消化不良",
            "western_code": "K30.x00",
        },
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    diagnosis = response.get_json()["diagnoses"][0]
    assert diagnosis["disease_code"] == "A04.03.15"
    assert diagnosis["syndrome_code"] == "B04.03.01.03.01"
    assert diagnosis["method_code"] and diagnosis["method_code"].startswith("C02.")
    assert (diagnosis["western_name"], diagnosis["western_code"]) == ("功能性消化不良", "K30.X00")


def test_an_unknown_code_is_a_json_422_on_its_field(app, client, encounter, doctor_headers):
    response = client.post(
        url(encounter, "diagnoses"),
        headers=doctor_headers,
        json={"disease_name": "胃痞病", "disease_code": "A04.03.99", "syndrome_name": "脾气虚证"},
    )
    error = api_error(response, 422)
    assert error.get("fields") == {"disease_code": ["unknown_code"]}
