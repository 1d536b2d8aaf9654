"""Staff pages: the admin creates staff, the desk registers visits, the doctor works a visit."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.audit import AuditEntry
from tcm_app.models.encounters import Encounter
from tcm_app.services import documents
from tcm_app.services.clock import clinic_today
from tests.factories import (
    create_department,
    create_doctor,
    create_encounter,
    create_patient,
    create_user,
    login,
    png_bytes,
)


@pytest.fixture
def admin_client(app, client):
    create_department()
    login(client, create_user(Role.ADMIN))
    return client


def staff_form(**changes):
    form = {
        "username": "dr-li",
        "full_name": "李医生",
        "password": "Li-2024-pass",
        "role": "doctor",
        "licence_number": "110440100099",
        "title": "attending",
        "department_code": "tcm_internal",
        "years_independent_practice": "5",
        "online_enabled": "y",
    }
    form.update(changes)
    return form


def test_admin_creates_a_doctor_enabled_for_online_care(admin_client):
    assert admin_client.post("/admin/users", data=staff_form()).status_code == 302
    doctor = db.session.scalar(sa.select(User).where(User.username == "dr-li"))
    assert doctor.doctor_profile.online_enabled and doctor.role == "doctor"


def test_doctor_with_under_three_years_cannot_go_online(admin_client):
    response = admin_client.post("/admin/users", data=staff_form(years_independent_practice="2"))
    assert response.status_code == 422
    assert "3 年" in response.get_data(as_text=True) or "3年" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.username == "dr-li")) is None


def test_doctor_needs_a_licence_number(admin_client):
    response = admin_client.post("/admin/users", data=staff_form(licence_number=""))
    assert response.status_code == 422
    assert db.session.scalar(sa.select(User).where(User.username == "dr-li")) is None


def test_admin_cannot_create_patients(admin_client):
    response = admin_client.post("/admin/users", data=staff_form(role="patient"))
    assert response.status_code == 400


def test_online_switch_refused_for_junior_doctor(admin_client):
    junior = create_doctor(online=False, years=1)
    response = admin_client.post(f"/admin/users/{junior.id}/online")
    assert response.status_code == 422
    db.session.refresh(junior.doctor_profile)
    assert junior.doctor_profile.online_enabled is False


def test_admin_sees_the_audit_log_with_the_chain_state(admin_client):
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "<td>登录</td>" in page and "哈希链完整" in page


def test_desk_registers_an_in_person_visit_by_id_number(app, client):
    doctor = create_doctor()
    patient = create_patient()
    login(client, create_user(Role.CLINIC))
    response = client.post(
        "/desk",
        data={
            "id_number": patient.id_number,
            "doctor_id": doctor.id,
            "scheduled_on": clinic_today().isoformat(),
            "chief_complaint": "针灸复诊",
        },
    )
    assert response.status_code == 302
    encounter = db.session.scalar(sa.select(Encounter))
    assert (encounter.kind, encounter.patient_id) == ("in_person", patient.id)


def test_desk_with_an_unregistered_id_number_shows_a_form_error(app, client):
    doctor = create_doctor()
    login(client, create_user(Role.CLINIC))
    response = client.post(
        "/desk",
        data={
            "id_number": "11010519491231002X",
            "doctor_id": doctor.id,
            "scheduled_on": clinic_today().isoformat(),
        },
    )
    assert response.status_code == 404
    assert "未找到" in response.get_data(as_text=True) or "没有" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Encounter.id))) == 0


def test_doctor_works_an_online_followup_through_the_page(app, client):
    encounter = create_encounter()
    documents.add_document(
        encounter, encounter.patient.user, "outpatient_record", "r.png", png_bytes()
    )
    doctor = encounter.doctor
    login(client, doctor)
    base = f"/encounters/{encounter.id}"
    assert client.post(f"{base}/start", data={"version": "1"}).status_code == 302
    db.session.refresh(encounter)
    version = str(encounter.version)
    response = client.post(
        f"{base}/eligibility",
        data={"version": version, "decision": "eligible", "reason": "门诊病历明确诊断"},
    )
    assert response.status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "可以开具处方" in page or "可开具处方" in page
    stale = client.post(
        f"{base}/terminate", data={"version": version, "reason": "first_visit", "note": "请到门诊"}
    )
    assert stale.status_code == 409
    db.session.refresh(encounter)
    assert encounter.status == "in_progress"


def test_staff_opening_a_patient_record_is_audited(app, client):
    encounter = create_encounter()
    login(client, encounter.doctor)
    assert client.get(f"/patients/{encounter.patient_id}").status_code == 200
    views = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "patient.view"))
    assert [v.object_id for v in views] == [str(encounter.patient_id)]


def test_nul_character_in_a_page_form_is_refused_on_every_database(app, client):
    encounter = create_encounter()
    login(client, encounter.doctor)
    response = client.post(
        f"/encounters/{encounter.id}/notes",
        data={"version": str(encounter.version), "inquiry_note": "纳差\x00"},
    )
    assert response.status_code == 422
    db.session.refresh(encounter)
    assert encounter.inquiry_note == ""


@pytest.mark.parametrize("role", [r for r in Role if r != Role.PATIENT])
def test_every_navigation_link_opens_for_its_role(app, client, role):
    import re

    user = create_doctor() if role == Role.DOCTOR else create_user(role)
    login(client, user)
    home = client.get("/")
    page = client.get(home.headers["Location"]).get_data(as_text=True)
    nav = re.search(r'<nav class="nav".*?</nav>', page, re.S).group(0)
    links = re.findall(r'href="([^"]+)"', nav)
    assert links
    answers = {link: client.get(link).status_code for link in links}
    assert {link: code for link, code in answers.items() if code != 200} == {}


@pytest.mark.parametrize("hour", [0, 7, 23], ids=["00h30", "07h30", "23h30"])
def test_the_workbench_shows_the_clinics_today(app, client, hour):
    """Before 08:00 in Beijing a UTC server's date is still yesterday: the workbench showed
    yesterday's finished visits and not today's."""
    from tcm_app.services import encounters as encounter_service

    doctor = create_doctor()
    visits = {}
    for day in (date(2026, 3, 9), date(2026, 3, 10)):
        visits[day] = create_encounter(doctor=doctor, scheduled_on=day)
        encounter_service.start_encounter(visits[day], doctor)
        encounter_service.terminate_encounter(visits[day], doctor, "first_visit", "请到门诊就诊")
    db.session.commit()
    moment = datetime(2026, 3, 10, hour, 30, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)
    with time_machine.travel(moment, tick=False):
        login(client, doctor)
        page = client.get("/workbench").get_data(as_text=True)
    assert "2026-03-10" in page
    assert f"/encounters/{visits[date(2026, 3, 10)].id}" in page
    assert f"/encounters/{visits[date(2026, 3, 9)].id}" not in page
