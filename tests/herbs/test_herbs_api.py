"""Herb search, templates and the safety check over the API."""

import pytest

from tests.api.helpers import api_error
from tests.factories import bearer, create_doctor, create_pharmacist, create_user

API = "/api/v1"


@pytest.fixture
def doctor_headers(app):
    return bearer(create_doctor())


def names(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return [herb["name"] for herb in response.get_json()["items"]]


SEARCH_CASES = [
    ("initials gc find 甘草 first", "gc", "甘草"),
    ("full pinyin", "gancao", "甘草"),
    ("mixed pinyin and initials", "ganc", "甘草"),
    ("Chinese name", "甘草", "甘草"),
    ("alias", "国老", "甘草"),
    ("processed form by its own name", "炙甘草", "炙甘草"),
    ("initials of a three-syllable name", "hq", "黄芩"),
    ("prefix of a Chinese name", "黄", "黄芪"),
    ("upper-case pinyin", "GC", "甘草"),
]


@pytest.mark.parametrize(
    "query,first", [c[1:] for c in SEARCH_CASES], ids=[c[0] for c in SEARCH_CASES]
)
def test_search_ranks_the_expected_herb_in_the_top_three(client, doctor_headers, query, first):
    found = names(client.get(f"{API}/herbs", query_string={"q": query}, headers=doctor_headers))
    assert first in found[:3], found[:5]


FIRST_CASES = [
    ("huangqi is 黄芪's full pinyin: 黄芪 first, not 黄芩", "huangqi", "黄芪"),
    ("fbx: 法半夏 (common) before 粉萆薢 (rare)", "fbx", "法半夏"),
    ("one extra letter: huangqqi still finds 黄芪", "huangqqi", "黄芪"),
    ("one wrong letter: gancaw still finds 甘草", "gancaw", "甘草"),
    ("ds: 党参, in the clinic's agreed formulas, before 大蒜 (no formula)", "ds", "党参"),
]


@pytest.mark.parametrize(
    "query,first", [c[1:] for c in FIRST_CASES], ids=[c[0] for c in FIRST_CASES]
)
def test_search_puts_the_herb_meant_first(client, doctor_headers, query, first):
    found = names(client.get(f"{API}/herbs", query_string={"q": query}, headers=doctor_headers))
    assert found[:1] == [first], found[:5]


def test_search_gc_also_lists_other_gc_herbs_and_shows_facts(client, doctor_headers):
    response = client.get(
        f"{API}/herbs", query_string={"q": "gc", "limit": 50}, headers=doctor_headers
    )
    herbs = response.get_json()["items"]
    assert herbs[0]["name"] == "甘草"
    assert herbs[0]["dose_min_g"] == 2 and herbs[0]["dose_max_g"] == 10
    assert herbs[0]["source"].startswith("《中国药典》")
    assert all(h["initials"].startswith("g") or h["matched"] != h["name"] for h in herbs)


def test_empty_and_unmatched_queries_answer_an_empty_list(client, doctor_headers):
    assert names(client.get(f"{API}/herbs", query_string={"q": ""}, headers=doctor_headers)) == []
    assert (
        names(client.get(f"{API}/herbs", query_string={"q": "zzzz"}, headers=doctor_headers)) == []
    )


def test_search_refuses_bad_limits_and_long_queries(client, doctor_headers):
    api_error(client.get(f"{API}/herbs?q=g&limit=0", headers=doctor_headers), 422)
    api_error(client.get(f"{API}/herbs?q=g&limit=abc", headers=doctor_headers), 422)
    api_error(client.get(f"{API}/herbs", query_string={"q": "g" * 40}, headers=doctor_headers), 422)


def test_patients_cannot_browse_the_catalogue(client, app):
    api_error(client.get(f"{API}/herbs?q=gc", headers=bearer(create_user())), 403)


def test_herb_detail_and_missing_herb(client, doctor_headers):
    first = client.get(f"{API}/herbs?q=甘草", headers=doctor_headers).get_json()["items"][0]
    detail = client.get(f"{API}/herbs/{first['id']}", headers=doctor_headers).get_json()
    assert detail["latin"] and detail["code"] == "gancao"
    api_error(client.get(f"{API}/herbs/999999", headers=doctor_headers), 404)


def test_classical_templates_are_the_first_batch_of_100(client, doctor_headers):
    body = client.get(f"{API}/formulas?kind=classical", headers=doctor_headers).get_json()
    templates = body["items"]
    assert len(templates) == 100
    assert [t["number"] for t in templates] == list(range(1, 101))
    assert templates[0]["name"] == "桃核承气汤" and templates[0]["book"] == "《伤寒论》"
    detail = client.get(f"{API}/formulas/{templates[0]['id']}", headers=doctor_headers).get_json()
    assert {line["herb"] for line in detail["lines"]} >= {"桃仁", "大黄", "桂枝", "芒硝"}
    assert all(line["herb_id"] for line in detail["lines"])


def test_agreed_templates_have_grams_on_every_line(client, doctor_headers):
    templates = client.get(f"{API}/formulas?kind=agreed", headers=doctor_headers).get_json()[
        "items"
    ]
    assert templates
    assert all(line["dose_g"] for t in templates for line in t["lines"])
    api_error(client.get(f"{API}/formulas?kind=secret", headers=doctor_headers), 422)


def check(client, headers, body):
    return client.post(f"{API}/prescriptions/check", json=body, headers=headers)


def test_check_reports_findings_with_code_severity_herbs_message_source(client, app):
    headers = bearer(create_pharmacist())
    body = {
        "herbs": [{"name": "炙甘草", "dose_g": 6}, {"name": "海藻", "dose_g": 10}],
        "packets": 7,
        "patient": {"pregnant": False, "age": 40},
    }
    findings = check(client, headers, body).get_json()["items"]
    assert [f["code"] for f in findings] == ["incompatible_18"]
    finding = findings[0]
    assert finding["severity"] == "double_sign"
    assert finding["herbs"] == ["炙甘草", "海藻"]
    assert "十八反" in finding["message"] and finding["source"]


BAD_CHECKS = [
    ("zero grams", {"herbs": [{"name": "甘草", "dose_g": 0}], "packets": 7}, "herbs.0.dose_g"),
    ("negative grams", {"herbs": [{"name": "甘草", "dose_g": -3}], "packets": 7}, "herbs.0.dose_g"),
    ("absurd grams", {"herbs": [{"name": "甘草", "dose_g": 5000}], "packets": 7}, "herbs.0.dose_g"),
    (
        "grams as text",
        {"herbs": [{"name": "甘草", "dose_g": "six"}], "packets": 7},
        "herbs.0.dose_g",
    ),
    ("zero packets", {"herbs": [{"name": "甘草", "dose_g": 6}], "packets": 0}, "packets"),
    ("no herbs", {"herbs": [], "packets": 7}, "herbs"),
    ("herbs not a list", {"herbs": "甘草", "packets": 7}, "herbs"),
    (
        "age out of range",
        {"herbs": [{"name": "甘草", "dose_g": 6}], "patient": {"age": 500}},
        "patient.age",
    ),
]


@pytest.mark.parametrize("body,field", [c[1:] for c in BAD_CHECKS], ids=[c[0] for c in BAD_CHECKS])
def test_check_refuses_bad_input_with_the_field_named(client, doctor_headers, body, field):
    error = api_error(check(client, doctor_headers, body), 422)
    assert field in error["fields"]


def test_check_answers_unknown_herbs_as_findings(client, doctor_headers):
    body = {"herbs": [{"name": "不存在的药", "dose_g": 6}], "packets": 7}
    findings = check(client, doctor_headers, body).get_json()["items"]
    assert [(f["code"], f["severity"]) for f in findings] == [("unknown_herb", "block")]


def test_each_answer_names_what_its_own_query_matched(client, doctor_headers):
    """The same herb found by an alias, then by its name: each answer says what it matched."""

    def first(query):
        response = client.get(f"{API}/herbs", query_string={"q": query}, headers=doctor_headers)
        return response.get_json()["items"][0]

    by_alias, by_name = first("净麻黄"), first("麻黄")
    assert by_alias["name"] == by_name["name"] == "麻黄"
    assert (by_alias["matched"], by_name["matched"]) == ("净麻黄", "麻黄")
    assert {k: v for k, v in by_alias.items() if k != "matched"} == {
        k: v for k, v in by_name.items() if k != "matched"
    }
