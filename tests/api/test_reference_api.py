"""Reference data: departments and the doctors a patient may choose."""

import pytest

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.api.helpers import API, api_error, issue
from tests.factories import create_department, create_doctor, create_user


@pytest.fixture
def headers(app):
    headers, _ = issue(create_user(Role.PATIENT))
    return headers


def test_departments_are_listed_by_code_and_inactive_ones_hidden(app, client, headers):
    create_department("tcm_internal", "中医内科", "Internal Medicine")
    create_department("acupuncture", "针灸科", "Acupuncture")
    closed = create_department("closed_dept", "旧科室", "Old")
    closed.active = False
    db.session.commit()

    items = client.get(f"{API}/departments", headers=headers).get_json()["items"]

    assert [d["code"] for d in items] == ["acupuncture", "tcm_internal"]
    assert items[0] == {
        "id": items[0]["id"],
        "code": "acupuncture",
        "name": "针灸科",
        "name_en": "Acupuncture",
    }


def test_doctors_can_be_filtered_to_those_online(app, client, headers):
    online = create_doctor(online=True)
    offline = create_doctor(online=False)
    db.session.commit()

    everyone = client.get(f"{API}/doctors", headers=headers).get_json()["items"]
    online_only = client.get(f"{API}/doctors?online=1", headers=headers).get_json()["items"]

    assert {d["id"] for d in everyone} == {online.id, offline.id}
    assert [d["id"] for d in online_only] == [online.id]
    assert online_only[0]["online_enabled"] is True
    assert online_only[0]["department"]["code"] == "tcm_internal"


def test_doctors_can_be_filtered_by_department(app, client, headers):
    internal = create_doctor()
    acupuncturist = create_doctor(
        department=create_department("acupuncture", "针灸科", "Acupuncture")
    )
    db.session.commit()
    items = client.get(f"{API}/doctors?department=acupuncture", headers=headers).get_json()["items"]
    assert [d["id"] for d in items] == [acupuncturist.id]
    assert internal.id not in [d["id"] for d in items]


def test_deactivated_doctors_are_not_offered(app, client, headers):
    gone = create_doctor()
    gone.active = False
    db.session.commit()
    assert client.get(f"{API}/doctors", headers=headers).get_json()["items"] == []


def test_doctor_listing_reveals_no_licence_or_account_details(app, client, headers):
    doctor = create_doctor()
    db.session.commit()
    text = client.get(f"{API}/doctors", headers=headers).get_data(as_text=True)
    assert doctor.doctor_profile.licence_number not in text
    assert doctor.username not in text
    assert "password" not in text


@pytest.mark.parametrize("path", ["/departments", "/doctors"])
def test_reference_data_needs_a_token(app, client, path):
    api_error(client.get(f"{API}{path}"), 401, "unauthenticated")
