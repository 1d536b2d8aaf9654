"""Health data is never kept by a browser or proxy cache: every answer but a static asset carries
Cache-Control: no-store (a shared computer's back button or a proxy shows nobody's records);
static files and the icon keep their caching."""

import pytest
import sqlalchemy as sa

from herbs.models import Prescription
from tcm_app.extensions import db
from tests.factories import bearer, create_pharmacist, create_prescribable_encounter, login


@pytest.fixture
def visit(app):
    encounter = create_prescribable_encounter()
    db.session.commit()
    return encounter


def draft_prescription(client, visit) -> int:
    login(client, visit.doctor)
    assert client.post(f"/herbs/encounters/{visit.id}/prescriptions").status_code == 302
    client.post("/logout")
    return db.session.scalar(
        sa.select(Prescription.id).where(Prescription.encounter_id == visit.id)
    )


# (who, how the path is built from the visit and the client): pages as a signed-in user (cookie),
# API answers with a bearer token.
PAGES = [
    pytest.param("patient", lambda v, c: f"/encounters/{v.id}", id="patient's visit page"),
    pytest.param("patient", lambda v, c: "/me", id="patient's own page"),
    pytest.param(
        "patient",
        lambda v, c: f"/encounters/{v.id}/documents/{v.documents[0].id}",
        id="patient's document download",
    ),
    pytest.param("doctor", lambda v, c: f"/encounters/{v.id}", id="doctor's visit page"),
    pytest.param("doctor", lambda v, c: "/workbench", id="doctor's workbench"),
    pytest.param(
        "doctor",
        lambda v, c: f"/herbs/prescriptions/{draft_prescription(c, v)}/edit",
        id="doctor's prescription page",
    ),
    pytest.param("pharmacist", lambda v, c: "/herbs/review", id="pharmacist's review list"),
]

API = [
    pytest.param("patient", lambda v: "/api/v1/me", id="api me"),
    pytest.param("patient", lambda v: "/api/v1/encounters", id="api encounters of the patient"),
    pytest.param("doctor", lambda v: f"/api/v1/encounters/{v.id}", id="api encounter as doctor"),
]


def user_of(visit, who):
    if who == "patient":
        return visit.patient.user
    if who == "doctor":
        return visit.doctor
    pharmacist = create_pharmacist()
    db.session.commit()
    return pharmacist


def assert_no_store(response) -> None:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    assert "no-store" in directives, response.headers.get("Cache-Control")


@pytest.mark.parametrize(("who", "path"), PAGES)
def test_signed_in_pages_are_not_stored(client, visit, who, path):
    url = path(visit, client)
    login(client, user_of(visit, who))
    with client.get(url) as response:
        assert_no_store(response)


@pytest.mark.parametrize(("who", "path"), API)
def test_api_answers_are_not_stored(client, visit, who, path):
    with client.get(path(visit), headers=bearer(user_of(visit, who))) as response:
        assert_no_store(response)


def test_an_api_refusal_is_not_stored_either(client, visit):
    response = client.get("/api/v1/encounters/999999", headers=bearer(visit.patient.user))
    assert response.status_code == 404
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_an_answer_that_sets_its_own_cache_control_keeps_it(client, visit):
    """The chat image says private, no-store itself; the icon may be cached for a day."""
    with client.get("/favicon.ico") as icon:
        assert icon.headers["Cache-Control"] == "max-age=86400"


@pytest.mark.parametrize(
    "path", ["/static/app.css", "/consults/static/consult.js"], ids=lambda p: p
)
def test_static_files_keep_their_caching(client, visit, path):
    login(client, visit.patient.user)
    with client.get(path) as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
