"""Outside prescriptions over the API (/api/v1/external/submissions): a patient reads their own
with the review's outcome (the transcription once approved, the reason once refused), never
another patient's; a pharmacist reads the queue; other roles are refused."""

from external_rx.intake_rules import CHECKS
from external_rx.services import review
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.api.helpers import API
from tests.external_rx.test_review import TODAY, at, sent, transcribe
from tests.factories import SIGNING_PASSWORD, bearer, create_patient, create_pharmacist, create_user


def test_a_patient_reads_the_outcome_and_a_pharmacist_the_queue(app, client):
    patient, other = create_patient(), create_patient(name="李四")
    pharmacist = create_pharmacist()
    db.session.commit()
    with at(TODAY):
        approved = sent(patient, width=60)
        for check in CHECKS:
            review.confirm_check(approved, pharmacist, check, "BJ-1")
        transcribe(approved, pharmacist)
        review.approve(approved, pharmacist, SIGNING_PASSWORD)
        waiting = sent(patient, width=61)
        db.session.commit()
        mine = client.get(f"{API}/external/submissions", headers=bearer(patient.user))
        theirs = client.get(f"{API}/external/submissions", headers=bearer(other.user))
        queue = client.get(f"{API}/external/submissions", headers=bearer(pharmacist))
        doctor = client.get(f"{API}/external/submissions", headers=bearer(create_user(Role.DOCTOR)))
    later, first = mine.get_json()["items"]
    assert (later["id"], later["status"], later["lines"]) == (waiting.id, "waiting", [])
    assert first["status"] == "approved" and first["rx_number"] == "BJ-1"
    assert [line["herb"] for line in first["lines"]] == ["党参", "干姜", "白术", "炙甘草"]
    assert theirs.get_json()["items"] == []
    assert [s["id"] for s in queue.get_json()["items"]] == [waiting.id]
    assert doctor.status_code == 403
