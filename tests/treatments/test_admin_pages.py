"""Treatment admin pages: who may change what (admin: therapies and qualifications; admin and
the desk: hours, days off, beds and rooms), every bad input as a form error, every change audited,
and days off over live bookings listed for the desk (never cancelled)."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.audit import AuditEntry
from tests.factories import create_bed, create_pharmacist, create_user, login
from tests.treatments.helpers import NO, at, clinic_today, small_clinic
from treatments.models import Booking, ScheduleException, Therapy, TreatmentResource
from treatments.services import bookings, catalogue, clinic_setup
from treatments.services.bookings import Request

WEEK_BLANK = {f"d{d}_{part}{n}": "" for d in range(7) for part in ("start", "end") for n in (1, 2)}


def signed_in(client, role):
    user = create_pharmacist() if role == Role.PHARMACIST else create_user(role)
    db.session.commit()
    login(client, user)
    return user


def audited(action) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == action)
    )


def therapy_form(therapy, **changes) -> dict:
    data = {
        "name": therapy.name,
        "name_en": therapy.name_en,
        "minutes": str(therapy.minutes),
        "price": str(therapy.price),
        "resource_kind": therapy.resource_kind,
        "qualification": therapy.qualification,
        "active": "y",
        **{f"ci_{q}": s for q, s in therapy.contraindications.items()},
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def followed(client, response):
    """The page a redirect leads to (with its flashed messages), in English."""
    assert response.status_code == 302
    return client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)


def book(practitioner, patient, therapy, start):
    booking = bookings.book(
        patient.user, patient, Request(therapy, start, practitioner.user_id, dict(NO))
    )
    db.session.commit()
    return booking


# --- who may use the pages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        pytest.param(Role.PATIENT, 403, id="a-patient-is-refused"),
        pytest.param(Role.DOCTOR, 403, id="a-doctor-is-refused"),
        pytest.param(Role.PHARMACIST, 403, id="a-pharmacist-is-refused"),
        pytest.param(Role.DECOCTION, 403, id="the-decoction-room-is-refused"),
        pytest.param(Role.CLINIC, 200, id="the-clinic-desk-may-look"),
        pytest.param(Role.ADMIN, 200, id="an-admin-may-look"),
    ],
)
@pytest.mark.parametrize(
    "path", ["/treatments/admin/", "/treatments/admin/clinic", "/treatments/admin/resources"]
)
def test_who_may_open_the_admin_pages(app, client, role, status, path):
    small_clinic()
    signed_in(client, role)
    assert client.get(path).status_code == status


def test_the_clinic_desk_edits_hours_but_not_therapies(app, client):
    practitioner, _patient, therapy = small_clinic()
    signed_in(client, Role.CLINIC)
    url = f"/treatments/admin/therapies/{therapy.id}"
    assert client.get(url).status_code == 403
    assert client.post(url, data=therapy_form(therapy, price="1.00")).status_code == 403
    assert db.session.get(Therapy, therapy.id).price == Decimal("60.00")
    hours = {**WEEK_BLANK, "d0_start1": "10:00", "d0_end1": "12:00"}
    response = client.post(
        f"/treatments/admin/practitioners/{practitioner.user_id}/hours", data=hours
    )
    assert response.status_code == 302
    assert clinic_setup.weekly_hours(practitioner.user_id)[0] == [(time(10), time(12))]
    assert clinic_setup.weekly_hours(practitioner.user_id)[1] == []


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/treatments/admin/practitioners", id="making-a-practitioner-is-for-admins"),
        pytest.param("/treatments/admin/practitioners/{pid}/qualifications", id="qualifications"),
        pytest.param("/treatments/admin/practitioners/{pid}/active", id="deactivating"),
    ],
)
def test_the_clinic_desk_cannot_change_qualifications(app, client, path):
    practitioner, _patient, _therapy = small_clinic()
    signed_in(client, Role.CLINIC)
    url = path.format(pid=practitioner.user_id)
    assert client.post(url, data={"qualifications": ["tuina"]}).status_code == 403


# --- therapies ---------------------------------------------------------------------------------


def test_an_admin_edits_price_and_contraindications_audited(app, client):
    _practitioner, _patient, therapy = small_clinic()
    signed_in(client, Role.ADMIN)
    page = client.get(f"/treatments/admin/therapies/{therapy.id}")
    assert page.status_code == 200
    data = therapy_form(therapy, price="65.50", minutes="45", ci_pacemaker="block")
    data["ci_pregnant"] = "none"
    response = client.post(f"/treatments/admin/therapies/{therapy.id}", data=data)
    assert response.status_code == 302
    saved = db.session.get(Therapy, therapy.id)
    assert saved.price == Decimal("65.50") and saved.minutes == 45
    assert saved.contraindications["pacemaker"] == "block"
    assert "pregnant" not in saved.contraindications
    assert audited("therapy_update") == 1


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"minutes": "7"}, id="minutes-must-be-whole-ticks"),
        pytest.param({"minutes": "0"}, id="minutes-cannot-be-zero"),
        pytest.param({"minutes": "245"}, id="minutes-at-most-240"),
        pytest.param({"minutes": "forty"}, id="minutes-are-a-number"),
        pytest.param({"price": "-1"}, id="a-price-is-not-negative"),
        pytest.param({"price": "1.234"}, id="a-price-has-at-most-two-decimals"),
        pytest.param({"price": "cheap"}, id="a-price-is-a-number"),
        pytest.param({"name": ""}, id="a-therapy-needs-a-name"),
        pytest.param({"resource_kind": "garden"}, id="a-therapy-needs-a-bed-or-a-room"),
        pytest.param({"qualification": "surgery"}, id="an-unknown-qualification-is-refused"),
        pytest.param({"ci_pregnant": "maybe"}, id="a-severity-is-none-flag-or-block"),
        pytest.param({"equipment": "laser"}, id="unknown-equipment-is-refused"),
    ],
)
def test_bad_therapy_input_is_a_form_error(app, client, changes):
    _practitioner, _patient, therapy = small_clinic()
    signed_in(client, Role.ADMIN)
    before = (therapy.minutes, therapy.price, dict(therapy.contraindications))
    response = client.post(
        f"/treatments/admin/therapies/{therapy.id}", data=therapy_form(therapy, **changes)
    )
    assert response.status_code == 422
    assert "has-error" in response.get_data(as_text=True) or "form-errors" in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    saved = db.session.get(Therapy, therapy.id)
    assert (saved.minutes, saved.price, saved.contraindications) == before
    assert audited("therapy_update") == 0


def test_an_unknown_therapy_is_not_found(app, client):
    signed_in(client, Role.ADMIN)
    assert client.get("/treatments/admin/therapies/9999").status_code == 404


# --- practitioners -----------------------------------------------------------------------------


def test_an_admin_makes_a_clinic_account_a_practitioner(app, client):
    small_clinic()
    therapist = create_user(Role.CLINIC, username="therapist")
    signed_in(client, Role.ADMIN)
    response = client.post(
        "/treatments/admin/practitioners",
        data={"user_id": therapist.id, "qualifications": ["tuina", "cupping"]},
    )
    assert response.status_code == 302
    assert catalogue.practitioner(therapist.id).qualifications == ["cupping", "tuina"]
    assert audited("practitioner_save") == 1
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("who", "qualifications"),
    [
        pytest.param("clinic", ["surgery"], id="an-unknown-qualification-is-refused"),
        pytest.param("patient", ["tuina"], id="a-patient-cannot-be-a-practitioner"),
        pytest.param("nobody", ["tuina"], id="an-unknown-user-is-refused"),
    ],
)
def test_bad_practitioner_input_is_a_form_error(app, client, who, qualifications):
    small_clinic()
    users = {"clinic": create_user(Role.CLINIC), "patient": create_user(Role.PATIENT)}
    user_id = users[who].id if who in users else 999999
    signed_in(client, Role.ADMIN)
    response = client.post(
        "/treatments/admin/practitioners",
        data={"user_id": user_id, "qualifications": qualifications},
    )
    assert response.status_code == 422
    assert audited("practitioner_save") == 0


def test_a_deactivated_practitioner_is_no_longer_offered(app, client):
    practitioner, _patient, therapy = small_clinic()
    signed_in(client, Role.ADMIN)
    url = f"/treatments/admin/practitioners/{practitioner.user_id}/active"
    assert client.post(url).status_code == 302
    assert catalogue.practitioners_for(therapy) == []
    assert client.post(url).status_code == 302
    assert catalogue.practitioners_for(therapy) != []
    assert audited("practitioner_active") == 2


@pytest.mark.parametrize(
    "hours",
    [
        pytest.param({"d0_start1": "12:00", "d0_end1": "09:00"}, id="end-before-start"),
        pytest.param({"d0_start1": "09:00", "d0_end1": "09:00"}, id="an-empty-span"),
        pytest.param(
            {"d2_start1": "09:00", "d2_end1": "12:00", "d2_start2": "11:00", "d2_end2": "14:00"},
            id="overlapping-spans",
        ),
        pytest.param({"d3_start1": "09:00"}, id="half-a-span"),
        pytest.param({"d4_start1": "nine", "d4_end1": "12:00"}, id="not-a-time"),
        pytest.param({"d5_start1": "09:03", "d5_end1": "12:00"}, id="off-the-5-minute-mark"),
    ],
)
def test_bad_weekly_hours_are_form_errors(app, client, hours):
    practitioner, _patient, _therapy = small_clinic()
    signed_in(client, Role.CLINIC)
    before = clinic_setup.weekly_hours(practitioner.user_id)
    response = client.post(
        f"/treatments/admin/practitioners/{practitioner.user_id}/hours",
        data={**WEEK_BLANK, **hours},
    )
    assert response.status_code == 422
    assert "has-error" in response.get_data(as_text=True)
    assert clinic_setup.weekly_hours(practitioner.user_id) == before


def test_two_spans_a_day_are_saved_in_order(app, client):
    practitioner, _patient, _therapy = small_clinic()
    signed_in(client, Role.ADMIN)
    hours = {
        **WEEK_BLANK,
        "d1_start1": "08:30",
        "d1_end1": "11:30",
        "d1_start2": "13:30",
        "d1_end2": "17:00",
    }
    url = f"/treatments/admin/practitioners/{practitioner.user_id}/hours"
    assert client.post(url, data=hours).status_code == 302
    assert clinic_setup.weekly_hours(practitioner.user_id)[1] == [
        (time(8, 30), time(11, 30)),
        (time(13, 30), time(17)),
    ]
    assert audited("hours_set") == 1


# --- days off, other hours, holidays ---------------------------------------------------------


def test_leave_closes_each_day_and_lists_bookings_without_cancelling(app, client):
    practitioner, patient, therapy = small_clinic()
    booking = book(practitioner, patient, therapy, at(3, 9))
    signed_in(client, Role.CLINIC)
    first, last = clinic_today() + timedelta(days=2), clinic_today() + timedelta(days=4)
    response = client.post(
        f"/treatments/admin/practitioners/{practitioner.user_id}/leave?lang=en",
        data={"first": first.isoformat(), "last": last.isoformat(), "reason": "leave"},
    )
    page = followed(client, response)
    assert "1 booking(s) fall outside the new hours" in page and f"#{booking.id}" in page
    closed = db.session.scalars(sa.select(ScheduleException.day)).all()
    assert sorted(closed) == [first, first + timedelta(days=1), last]
    assert db.session.get(Booking, booking.id).status == "booked"
    assert audited("exception_add") == 1


def test_other_hours_on_a_day_list_only_bookings_they_leave_out(app, client):
    practitioner, patient, therapy = small_clinic(beds=2)
    early = book(practitioner, patient, therapy, at(2, 9))
    late = book(practitioner, patient, therapy, at(2, 11))
    signed_in(client, Role.ADMIN)
    response = client.post(
        f"/treatments/admin/practitioners/{practitioner.user_id}/day?lang=en",
        data={
            "day": (clinic_today() + timedelta(days=2)).isoformat(),
            "start1": "09:00",
            "end1": "10:00",
            "reason": "training",
        },
    )
    page = followed(client, response)
    assert f"#{late.id}" in page and f"#{early.id})" not in page
    row = db.session.scalar(sa.select(ScheduleException))
    assert (row.closed, row.starts, row.ends) == (False, time(9), time(10))


@pytest.mark.parametrize(
    ("days", "data"),
    [
        pytest.param((3, 1), {}, id="the-last-day-before-the-first"),
        pytest.param((-2, -1), {}, id="leave-in-the-past"),
        pytest.param((1, 200), {}, id="more-than-92-days-at-once"),
        pytest.param((1, 1), {"reason": "holiday"}, id="a-practitioner-has-no-clinic-holiday"),
        pytest.param((1, 1), {"first": "2026-02-30"}, id="not-a-date"),
    ],
)
def test_bad_leave_is_a_form_error(app, client, days, data):
    practitioner, _patient, _therapy = small_clinic()
    signed_in(client, Role.CLINIC)
    first, last = (clinic_today() + timedelta(days=n) for n in days)
    form = {"first": first.isoformat(), "last": last.isoformat(), "reason": "leave", **data}
    response = client.post(
        f"/treatments/admin/practitioners/{practitioner.user_id}/leave", data=form
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(ScheduleException.id))) == 0


def test_a_day_that_already_differs_is_refused_until_removed(app, client):
    practitioner, _patient, _therapy = small_clinic()
    signed_in(client, Role.CLINIC)
    url = f"/treatments/admin/practitioners/{practitioner.user_id}/leave"
    day = (clinic_today() + timedelta(days=5)).isoformat()
    assert client.post(url, data={"first": day, "reason": "leave"}).status_code == 302
    assert client.post(url, data={"first": day, "reason": "other"}).status_code == 422
    row = db.session.scalar(sa.select(ScheduleException))
    assert client.post(f"/treatments/admin/exceptions/{row.id}/remove").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(ScheduleException.id))) == 0
    assert audited("exception_remove") == 1
    assert client.post(url, data={"first": day, "reason": "other"}).status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"start1": "", "end1": ""}, id="other-hours-need-hours"),
        pytest.param({"start1": "11:00", "end1": "10:00"}, id="end-before-start"),
        pytest.param(
            {"start1": "09:00", "end1": "11:00", "start2": "10:00", "end2": "12:00"},
            id="overlapping-spans",
        ),
    ],
)
def test_bad_other_hours_are_form_errors(app, client, data):
    practitioner, _patient, _therapy = small_clinic()
    signed_in(client, Role.ADMIN)
    day = (clinic_today() + timedelta(days=1)).isoformat()
    response = client.post(
        f"/treatments/admin/practitioners/{practitioner.user_id}/day",
        data={"day": day, "reason": "other", **data},
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(ScheduleException.id))) == 0


def test_clinic_hours_and_a_holiday_over_bookings(app, client):
    practitioner, patient, therapy = small_clinic()
    booking = book(practitioner, patient, therapy, at(6, 10))
    signed_in(client, Role.CLINIC)
    hours = {**WEEK_BLANK, **{f"d{d}_start1": "08:00" for d in range(6)}}
    hours.update({f"d{d}_end1": "17:30" for d in range(6)})
    assert client.post("/treatments/admin/clinic/hours", data=hours).status_code == 302
    assert clinic_setup.weekly_hours(None)[6] == []
    day = (clinic_today() + timedelta(days=6)).isoformat()
    response = client.post(
        "/treatments/admin/clinic/holidays?lang=en",
        data={"first": day, "reason": "holiday", "note": "National Day"},
    )
    assert f"#{booking.id}" in followed(client, response)
    row = db.session.scalar(sa.select(ScheduleException))
    assert (row.practitioner_id, row.reason, row.closed) == (None, "holiday", True)
    assert db.session.get(Booking, booking.id).status == "booked"


# --- beds and rooms ----------------------------------------------------------------------------


def test_the_desk_adds_and_edits_a_room(app, client):
    signed_in(client, Role.CLINIC)
    data = {"code": "moxa-2", "name": "艾灸室2", "kind": "room", "capacity": "3"}
    data["equipment"] = ["smoke_extraction"]
    assert client.post("/treatments/admin/resources", data=data).status_code == 302
    room = db.session.scalar(sa.select(TreatmentResource).filter_by(code="moxa-2"))
    assert (room.kind, room.capacity, room.equipment) == ("room", 3, ["smoke_extraction"])
    edit = {**data, "capacity": "5", "equipment": ["smoke_extraction", "tdp_lamp"]}
    assert client.post(f"/treatments/admin/resources/{room.id}", data=edit).status_code == 302
    assert db.session.get(TreatmentResource, room.id).capacity == 5
    assert audited("resource_add") == 1 and audited("resource_update") == 1


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"capacity": "0"}, id="capacity-zero"),
        pytest.param({"capacity": "51"}, id="capacity-above-50"),
        pytest.param({"kind": "garden"}, id="a-bed-or-a-room"),
        pytest.param({"code": "Bed 7!"}, id="a-code-is-lower-case-letters-digits"),
        pytest.param({"code": "bed-1"}, id="a-code-in-use"),
        pytest.param({"equipment": ["laser"]}, id="unknown-equipment"),
    ],
)
def test_bad_bed_input_is_a_form_error(app, client, changes):
    create_bed("bed-1")
    signed_in(client, Role.ADMIN)
    data = {"code": "bed-7", "name": "7号床", "kind": "bed", "capacity": "1", **changes}
    assert client.post("/treatments/admin/resources", data=data).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(TreatmentResource.id))) == 1


def test_capacity_cannot_drop_below_seats_in_use(app, client):
    practitioner, patient, therapy = small_clinic(beds=0)
    room = create_bed("big-bed", capacity=2)
    db.session.commit()
    book(practitioner, patient, therapy, at(1, 9))
    signed_in(client, Role.ADMIN)
    url = f"/treatments/admin/resources/{room.id}"
    data = {"code": room.code, "name": room.name, "kind": "bed", "capacity": "1"}
    assert client.post(url, data=data).status_code == 302  # one seat in use: 1 is enough
    db.session.get(TreatmentResource, room.id).capacity = 2
    db.session.commit()
    db.session.execute(sa.update(Booking).values(seat=1))  # as if the second seat were taken
    db.session.commit()
    response = client.post(url + "?lang=en", data=data)
    assert response.status_code == 422
    assert "Future bookings use more seats" in response.get_data(as_text=True)
    assert db.session.get(TreatmentResource, room.id).capacity == 2


def test_a_deactivated_bed_is_not_offered(app, client):
    _practitioner, _patient, therapy = small_clinic()
    bed = catalogue.resources_for(therapy)[0]
    signed_in(client, Role.CLINIC)
    assert client.post(f"/treatments/admin/resources/{bed.id}/active").status_code == 302
    assert catalogue.resources_for(therapy) == []
    assert audited("resource_active") == 1
