"""One list convention: every list answers {"items": [...]}; lists of records and open searches
take the same `limit` and `offset`, validated once (422 bad_limit / bad_offset, in Chinese), and
the OpenAPI document says so."""

import pytest

from tests.api.helpers import API, api_error, issue
from tests.factories import create_doctor, create_encounter, create_patient

PAGED = [
    "/encounters",
    "/departments",
    "/doctors",
    "/codes",
    "/herbs",
    "/formulas",
    "/prescriptions",
    "/orders",
    "/consults/bookings",
    "/treatments/therapies",
    "/bookings",
]


@pytest.fixture
def document(client):
    return client.get(f"{API}/openapi.json").get_json()


def list_schemas(document):
    """The component schema of every operation answering a list (named ...List)."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation["responses"].get("200", operation["responses"].get("201", {}))
            ref = content.get("content", {}).get("application/json", {}).get("schema", {})
            name = ref.get("$ref", "").rsplit("/", 1)[-1]
            if name.endswith("List"):
                yield f"{method} {path}", document["components"]["schemas"][name]


def test_every_documented_list_is_an_items_envelope(document):
    lists = dict(list_schemas(document))
    assert len(lists) >= 12
    assert {name: sorted(schema["properties"]) for name, schema in lists.items()} == {
        name: ["items"] for name in lists
    }


@pytest.mark.parametrize("path", PAGED)
def test_paged_lists_declare_limit_and_offset(document, path):
    names = {p["name"] for p in document["paths"][f"{API}{path}"]["get"]["parameters"]}
    assert {"limit", "offset"} <= names


def test_limit_and_offset_page_through_a_list(app, client):
    doctor = create_doctor()
    ids = [create_encounter(patient=create_patient(), doctor=doctor).id for _ in range(3)]
    headers, _ = issue(doctor)

    def page(**args):
        response = client.get(f"{API}/encounters", query_string=args, headers=headers)
        return [item["id"] for item in response.get_json()["items"]]

    newest_first = sorted(ids, reverse=True)
    assert page() == newest_first
    assert page(limit=2) == newest_first[:2]
    assert page(limit=2, offset=2) == newest_first[2:]
    assert page(offset=5) == []


@pytest.mark.parametrize(
    "query, name",
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("limit=１", "limit"),  # a full-width digit is not a number here
        ("offset=-1", "offset"),
        ("offset=100001", "offset"),
    ],
)
def test_a_bad_page_is_refused_in_chinese_naming_the_parameter(app, client, query, name):
    headers, _ = issue(create_doctor())
    error = api_error(client.get(f"{API}/encounters?{query}", headers=headers), 422, f"bad_{name}")
    assert error["fields"] == {name: ["out_of_range"]}
    assert "整数" in error["message"]


def test_a_filter_outside_its_choices_is_refused_the_same_way(app, client):
    headers, _ = issue(create_doctor())
    error = api_error(client.get(f"{API}/prescriptions?status=lost", headers=headers), 422)
    assert (error["code"], error["fields"]) == ("bad_status", {"status": ["invalid"]})
    assert "须为以下之一" in error["message"]
