"""The panels on the encounter page and the workbench, as the core and the domains register them
(tcm_app/panels.py and each <domain>/setup.py): the templates of each place in order, and the
cards each role sees on the page, as the templates had them before the registry."""

import re

import pytest

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.panels import panels
from tests.factories import create_prescribable_encounter, create_user, login

PLACES = {
    "encounter.prescribing": ["herbs/_encounter_prescriptions.html"],
    "encounter": [
        "herbs/_encounter_renewal.html",
        "consults/_encounter_consult.html",
        "diagnosis/_encounter_tongue.html",
        "constitution/_encounter_constitution.html",
        "treatments/patient/_encounter_courses.html",
        "quality/_encounter_rating.html",
        "followup/_encounter_followup.html",
        "core/encounters/_fee.html",
    ],
    "workbench": [
        "consults/_waiting.html",
        "consults/_text_consults.html",
        "herbs/_workbench_returned.html",
        "core/_inbox_panel.html",
        "treatments/staff/_today.html",
        "followup/_workbench_followup.html",
        "constitution/_workbench_requests.html",
    ],
}

# The cards (their heading ids) of a started online follow-up, for whoever opens it.
ENCOUNTER_CARDS = {
    Role.DOCTOR: [
        "encounter-title",
        "prescribing-title",
        "consult-title",
        "tongue-title",
        "constitution-title",
        "courses-title",
        "followup-title",
        "fee-title",
        "complaint-title",
    ],
    Role.PATIENT: [
        "encounter-title",
        "prescribing-title",
        "consult-title",
        "text-consult-title",  # an open online visit may be held by messages instead
        "tongue-title",
        "fee-title",
        "complaint-title",
    ],
    Role.CLINIC: ["encounter-title"],  # the front desk sees the visit, not its care
}


def card_ids(html: str) -> list[str]:
    return re.findall(r'<section class="card[^"]*" [^>]*aria-labelledby="([^"]+)"', html)


@pytest.mark.parametrize("place", list(PLACES))
def test_each_place_lists_its_panels_in_order(app, place):
    with app.test_request_context():
        assert [panel.template for panel in panels(place)] == PLACES[place]


@pytest.mark.parametrize("role", list(ENCOUNTER_CARDS), ids=lambda role: f"the {role}")
def test_the_encounter_page_shows_each_role_its_panels_in_order(client, role):
    encounter = create_prescribable_encounter()
    viewer = {Role.DOCTOR: encounter.doctor, Role.PATIENT: encounter.patient.user}.get(role)
    viewer = viewer or create_user(role, username="desk")
    db.session.commit()
    login(client, viewer)
    html = client.get(f"/encounters/{encounter.id}").get_data(as_text=True)
    assert card_ids(html)[: len(ENCOUNTER_CARDS[role])] == ENCOUNTER_CARDS[role]


def test_the_workbench_shows_the_doctor_its_panels_in_order(client):
    encounter = create_prescribable_encounter()
    db.session.commit()
    login(client, encounter.doctor)
    html = client.get("/workbench").get_data(as_text=True)
    assert card_ids(html) == ["waiting-title", "inbox-panel-title", "queue-title"]
