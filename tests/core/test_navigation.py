"""The main menu per role, as the core and the domains register it (tcm_app/navigation.py and
each <domain>/setup.py): the links in order, and the current page marked."""

import re

import pytest
from flask import url_for

from tcm_app.models.accounts import Role
from tests.factories import create_doctor, create_patient, create_pharmacist, create_user, login

MENUS = {
    Role.PATIENT: [
        "core.patient_home",
        "core.encounter_request",
        "consults.book",
        "herbs.my_prescriptions",
        "external_rx.mine",
        "decoction.my_orders",
        "treatments.my_bookings",
        "constitution.my_assessments",
        "followup.my_plans",
        "quality.my_ratings",
        "core.family_proxies",
    ],
    Role.DOCTOR: [
        "core.workbench",
        "followup.worklist_page",
        "consults.schedule",
        "treatments.calendar",
        "treatments.home_route",
        "herbs.signing_password",
        "quality.my_figures",
    ],
    Role.CLINIC: [
        "core.desk",
        "treatments.my_day",
        "treatments.home_route",
        "treatments.calendar",
        "treatments.admin_home",
    ],
    Role.ADMIN: [
        "core.admin_users",
        "core.admin_audit",
        "treatments.admin_home",
        "quality.figures_page",
        "core.admin_retention",
    ],
    Role.PHARMACIST: [
        "herbs.review_queue",
        "external_rx.queue",
        "followup.reactions_page",
        "herbs.signing_password",
    ],
    Role.DECOCTION: ["decoction.work_queue"],
    Role.QUALITY: ["quality.desk", "followup.reactions_page", "quality.figures_page"],
}


def someone(role):
    if role == Role.PATIENT:
        return create_patient().user
    if role == Role.DOCTOR:
        return create_doctor()
    if role == Role.PHARMACIST:
        return create_pharmacist()
    return create_user(role)


def menu_links(html: str) -> list[tuple[str, bool]]:
    nav = re.search(r'<nav class="nav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return [
        (href, "aria-current" in attrs)
        for href, attrs in re.findall(r'<a href="([^"]+)"([^>]*)>', nav)
    ]


@pytest.mark.parametrize("role", list(MENUS), ids=lambda role: f"the {role}'s menu")
def test_each_role_sees_its_menu_in_order_then_messages(app, client, role):
    login(client, someone(role))
    html = client.get("/inbox").get_data(as_text=True)
    with app.test_request_context():
        expected = [url_for(endpoint) for endpoint in MENUS[role]] + [url_for("core.inbox_list")]
    assert [href for href, _ in menu_links(html)] == expected
    assert [current for _, current in menu_links(html)][-1] is True  # the messages page is open


# 长辈模式: the home page and the main tasks the domains register (我的药, 我的下次治疗) only.
ELDER_MENU = ["core.patient_home", "herbs.my_prescriptions", "treatments.my_bookings"]


def test_the_elder_mode_menu_keeps_the_main_tasks_only(app, client):
    patient = create_patient()
    patient.user.elder_mode = True
    login(client, patient.user)
    html = client.get("/inbox").get_data(as_text=True)
    with app.test_request_context():
        expected = [url_for(endpoint) for endpoint in ELDER_MENU] + [url_for("core.inbox_list")]
    assert [href for href, _ in menu_links(html)] == expected


@pytest.mark.parametrize(
    "role, page, current",
    [
        (Role.CLINIC, "treatments.admin_home", "treatments.admin_home"),
        (Role.PATIENT, "treatments.my_bookings", "treatments.my_bookings"),
        (Role.PHARMACIST, "herbs.review_queue", "herbs.review_queue"),
    ],
    ids=[
        "the treatment setup page marks 'treatment clinic setup' for the clinic",
        "the patient's treatments page marks 'my treatments'",
        "the review queue marks 'prescription review'",
    ],
)
def test_the_current_page_is_marked(app, client, role, page, current):
    login(client, someone(role))
    with app.test_request_context():
        page_url, current_url = url_for(page), url_for(current)
    html = client.get(page_url).get_data(as_text=True)
    assert [href for href, marked in menu_links(html) if marked] == [current_url]


HOMES = {
    Role.PATIENT: "core.patient_home",
    Role.DOCTOR: "core.workbench",
    Role.CLINIC: "core.desk",
    Role.ADMIN: "core.admin_users",
    Role.PHARMACIST: "herbs.review_queue",
    Role.DECOCTION: "decoction.work_queue",
}


@pytest.mark.parametrize("role", list(HOMES), ids=lambda role: f"the {role}'s home")
def test_each_role_lands_on_its_registered_home(app, client, role):
    login(client, someone(role))
    with app.test_request_context():
        home = url_for(HOMES[role])
    assert client.get("/").headers["Location"] == home
