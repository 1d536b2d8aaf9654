"""Follow-up over the API (/api/v1/followup): a patient reads their plans with each task's state
and answers; a doctor reads their plans under way; adverse reactions are listed to whoever may
see them, and refused (403) to the roles that may not."""

from datetime import timedelta

from followup.services import reactions, tasks
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.api.helpers import API, api_error
from tests.factories import bearer, create_user
from tests.followup.helpers import CALM, START, at_noon, herbal_plan, visit_with_prescription


def test_a_patient_reads_their_plans_and_the_doctor_theirs(app, client):
    with at_noon(START):
        encounter, rx = visit_with_prescription()
        plan = herbal_plan(encounter, rx)
    with at_noon(START + timedelta(days=3)):
        tasks.answer(plan.tasks[0], encounter.patient.user, {**CALM, "symptoms": 4})
        db.session.commit()
        mine = client.get(f"{API}/followup/plans", headers=bearer(encounter.patient.user))
        doctors = client.get(f"{API}/followup/plans", headers=bearer(encounter.doctor))
    [body] = mine.get_json()["items"]
    assert body["id"] == plan.id and body["template_code"] == "herbal_course"
    first, second = body["tasks"][:2]
    assert (first["state"], first["alerts"], first["answers"]["symptoms"]) == ("done", ["worse"], 4)
    assert (second["state"], second["due_on"]) == ("upcoming", "2026-03-09")
    assert [p["id"] for p in doctors.get_json()["items"]] == [plan.id]


def test_adverse_reactions_are_listed_to_those_who_may_see_them(app, client):
    with at_noon(START):
        encounter, rx = visit_with_prescription()
        reaction = reactions.report(
            encounter.patient.user, rx, onset_on=START, severity="moderate",
            description="服药后皮疹瘙痒", suspected=["黄芪"],
        )  # fmt: skip
        db.session.commit()
        officer = create_user(Role.QUALITY)
        db.session.commit()
        listed = client.get(f"{API}/followup/reactions", headers=bearer(officer))
        refused = client.get(f"{API}/followup/reactions", headers=bearer(create_user(Role.CLINIC)))
    [item] = listed.get_json()["items"]
    assert (item["id"], item["severity"], item["suspected"]) == (reaction.id, "moderate", ["黄芪"])
    assert item["report_due_on"] == "2026-04-01"
    api_error(refused, 403, "forbidden")
