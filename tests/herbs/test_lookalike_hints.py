"""Look-alike hints (herbs/data/lookalikes.yaml) where a herb is chosen and checked: the search
answers (API and the editor's typeahead), the editor rows, the prescription and the pharmacist's
review. The pages speak Chinese: 「注意：易与黄芩混淆」."""

import pytest

from tests.factories import bearer, create_doctor, create_pharmacist, login
from tests.herbs.test_prescribing_pages import encounter, write_and_sign  # noqa: F401

HINT_黄芪 = "注意：易与黄芩混淆"


@pytest.fixture
def doctor_headers(app):
    return bearer(create_doctor())


def first_herb(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["items"][0]


def test_the_api_search_names_the_lookalike_with_reason_and_source(client, doctor_headers):
    herb = first_herb(
        client.get("/api/v1/herbs", query_string={"q": "huangqi"}, headers=doctor_headers)
    )
    assert herb["name"] == "黄芪"
    assert [item["name"] for item in herb["lookalikes"]] == ["黄芩"]
    assert herb["lookalikes"][0]["reason"] and herb["lookalikes"][0]["source"]
    assert herb["lookalike_hint"] == HINT_黄芪


def test_a_herb_without_a_lookalike_has_an_empty_list(client, doctor_headers):
    herb = first_herb(
        client.get("/api/v1/herbs", query_string={"q": "gancao"}, headers=doctor_headers)
    )
    assert herb["name"] == "甘草"
    assert (herb["lookalikes"], herb["lookalike_hint"]) == ([], "")


@pytest.mark.parametrize(
    "typed, herb, other",
    [("木通", "木通", "关木通"), ("防己", "防己", "广防己")],
    ids=["木通 warns of 关木通 (revoked 2003)", "防己 warns of 广防己 (revoked 2004)"],
)
def test_a_declared_not_stocked_lookalike_is_named_on_the_stocked_herb(
    client, doctor_headers, typed, herb, other
):
    found = first_herb(
        client.get("/api/v1/herbs", query_string={"q": typed}, headers=doctor_headers)
    )
    assert found["name"] == herb
    assert other in [item["name"] for item in found["lookalikes"]]
    assert "马兜铃酸" in next(i["reason"] for i in found["lookalikes"] if i["name"] == other)


def test_the_editor_typeahead_carries_the_hint_in_chinese(client, encounter):  # noqa: F811
    login(client, encounter.doctor)
    herbs = client.get("/herbs/search?q=huangqi").get_json()["herbs"]
    assert (herbs[0]["name"], herbs[0]["lookalike_hint"]) == ("黄芪", HINT_黄芪)


def test_the_prescription_and_the_review_page_show_the_hint(client, encounter):  # noqa: F811
    rx = write_and_sign(client, encounter, [("黄芪", "15", ""), ("甘草", "6", "")])
    doctor_view = client.get(f"/herbs/prescriptions/{rx.id}").get_data(as_text=True)
    assert HINT_黄芪 in doctor_view
    assert doctor_view.count("注意：易与") == 1  # 甘草 has no look-alike
    client.post("/logout")
    login(client, create_pharmacist())
    review = client.get(f"/herbs/prescriptions/{rx.id}").get_data(as_text=True)
    assert HINT_黄芪 in review and "Record the review" not in review
    assert "黄芩：" in review  # the reason, for the pharmacist to check


def test_the_editor_rows_show_the_hint_for_a_saved_line(client, encounter):  # noqa: F811
    login(client, encounter.doctor)
    opened = client.post(f"/herbs/encounters/{encounter.id}/prescriptions")
    edit_url = opened.headers["Location"]
    data = {"packets": "7", "usage": "每日1剂", "lines-0-name": "枳实", "lines-0-dose_g": "9"}
    assert client.post(edit_url, data=data).status_code == 302
    page = client.get(edit_url).get_data(as_text=True)
    assert "注意：易与枳壳混淆" in page
