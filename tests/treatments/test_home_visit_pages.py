"""Home-visit pages without a browser: every bad input answers 422 in Chinese next to the field
and writes nothing (an address outside the area, a time without room for the travel, another
patient's address, nobody else at home), the route page of a staff member who does not treat, the
admin's home fields of a therapy, and cancelling a home visit frees its travel."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import create_patient, create_user, login
from tests.treatments.helpers import NO, at, home_clinic
from treatments.models import Booking, BookingCell, Therapy
from treatments.services import home_visits, moves
from treatments.services.catalogue import therapy_by_code

AT_HOME = {"someone_present": "yes", "bed_space": "yes", "pets": "no"}


def search(client, patient, address, day):
    return client.get(
        "/treatments/home/book",
        query_string={
            "address_id": address.id,
            "therapy": "tuina",
            "day": day.isoformat(),
            "patient_id": patient.id,
        },
    )


def confirm(client, patient, address, start, practitioner, home=AT_HOME):
    answers = {code: "yes" if answer else "no" for code, answer in NO.items()}
    return client.post(
        "/treatments/home/book",
        data={
            "therapy": "tuina",
            "start": start.isoformat(),
            "practitioner_id": practitioner.user_id,
            "address_id": address.id,
            "patient_id": patient.id,
            **answers,
            **home,
        },
    )


def bookings_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Booking.id)))


def test_an_address_outside_the_area_is_refused_next_to_the_field(app, client):
    _practitioner, patient, _inside, outside = home_clinic()
    login(client, patient.user)
    response = search(client, patient, outside, at(1, 9).date())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="address_id-error"' in page and "不在上门服务区域内" in page and "朝阳区" in page


def test_the_free_times_leave_room_for_the_travel(app, client):
    _practitioner, patient, inside, _outside = home_clinic()
    login(client, patient.user)
    page = search(client, patient, inside, at(1, 9).date()).get_data(as_text=True)
    assert "单程约 30 分钟" in page and ">09:30<" in page and ">09:00<" not in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"start": lambda: at(1, 9)}, "无法留出往返路程时间", id="no-room-for-travel"),
        pytest.param({"home": {**AT_HOME, "someone_present": "no"}}, "需有其他成年人", id="alone"),
        pytest.param({"address": "stranger"}, "请选择您的一个地址", id="another-patients-address"),
        pytest.param({"address": "outside"}, "不在上门服务区域内", id="outside-the-area"),
    ],
)
def test_a_refused_home_visit_is_422_in_chinese_and_writes_nothing(app, client, change, message):
    practitioner, patient, inside, outside = home_clinic()
    stranger_address = inside
    if change.get("address") == "stranger":
        from tcm_app.services.patients import add_address

        other = create_patient(name="李四")
        stranger_address = add_address(
            other, "李四", "13912345678", "北京市 / 北京市 / 朝阳区", "x", True, other.user
        )
        db.session.commit()
    address = {"stranger": stranger_address, "outside": outside}.get(change.get("address"), inside)
    start = change["start"]() if "start" in change else at(1, 10)
    login(client, patient.user)
    response = confirm(client, patient, address, start, practitioner, change.get("home", AT_HOME))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert bookings_count() == 0
    assert db.session.scalar(sa.select(sa.func.count(BookingCell.id))) == 0


def test_a_home_visit_is_booked_from_the_confirm_page(app, client):
    practitioner, patient, inside, _outside = home_clinic()
    login(client, patient.user)
    response = confirm(client, patient, inside, at(1, 10), practitioner)
    assert response.status_code == 302
    booking = db.session.scalar(sa.select(Booking))
    assert (booking.place, booking.address_id, booking.home_answers["pets"]) == (
        "home",
        inside.id,
        False,
    )


def test_cancelling_a_home_visit_frees_its_travel(app):
    practitioner, patient, inside, _outside = home_clinic()
    wanted = home_visits.HomeRequest(
        therapy_by_code("tuina"),
        inside.id,
        at(1, 10),
        practitioner.user_id,
        dict(NO),
        {"someone_present": True, "bed_space": True, "pets": False},
    )
    booking = home_visits.book(patient.user, patient, wanted)
    db.session.commit()
    moves.cancel(patient.user, booking, "改期")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(BookingCell.id))) == 0


def test_a_staff_member_who_does_not_treat_has_no_route(app, client):
    home_clinic()
    desk = create_user(Role.CLINIC)
    db.session.commit()
    login(client, desk)
    response = client.get("/treatments/home/route")
    assert response.status_code == 200
    assert "管理员" in response.get_data(as_text=True)  # "the administrator adds practitioners"


def test_an_admin_offers_a_therapy_at_home_with_its_minutes_and_fee(app, client):
    home_clinic()
    moxa = therapy_by_code("moxibustion")
    admin = create_user(Role.ADMIN)
    db.session.commit()
    login(client, admin)
    data = {
        "name": moxa.name,
        "name_en": moxa.name_en,
        "minutes": str(moxa.minutes),
        "price": str(moxa.price),
        "resource_kind": moxa.resource_kind,
        "qualification": moxa.qualification,
        "equipment": moxa.equipment,
        "active": "y",
        **{f"ci_{q}": s for q, s in moxa.contraindications.items()},
        "home_available": "y",
        "home_minutes": "7",
        "home_fee": "50.00",
    }
    refused = client.post(f"/treatments/admin/therapies/{moxa.id}", data=data)
    assert refused.status_code == 422 and "上门时长" in refused.get_data(as_text=True)
    data["home_minutes"] = "40"
    assert client.post(f"/treatments/admin/therapies/{moxa.id}", data=data).status_code == 302
    saved = db.session.get(Therapy, moxa.id)
    assert (saved.home_available, saved.home_minutes, saved.home_fee) == (
        True,
        40,
        Decimal("50.00"),
    )


def test_the_api_shows_a_home_visit_without_a_bed(app, client):
    from tests.factories import bearer

    practitioner, patient, inside, _outside = home_clinic()
    wanted = home_visits.HomeRequest(
        therapy_by_code("tuina"),
        inside.id,
        at(1, 10),
        practitioner.user_id,
        dict(NO),
        {"someone_present": True, "bed_space": True, "pets": False},
    )
    booking = home_visits.book(patient.user, patient, wanted)
    db.session.commit()
    found = client.get(f"/api/v1/bookings/{booking.id}", headers=bearer(patient.user)).get_json()
    assert (found["place"], found["resource_id"]) == ("home", None)
    assert "resource_name" not in found


@pytest.mark.parametrize(
    "area", ["朝阳区", "朝阳区=999", "=30"], ids=["no-minutes", "too-far", "no-district"]
)
def test_a_bad_service_area_stops_the_start_naming_the_variable(area):
    from tcm_app.app import create_app
    from tcm_app.config import ConfigError
    from tests.core.test_domain_settings import DEVELOPMENT

    with pytest.raises(ConfigError, match=r"^TCM_TREATMENT_HOME_AREA"):
        create_app({**DEVELOPMENT, "TREATMENT_HOME_AREA": area})
