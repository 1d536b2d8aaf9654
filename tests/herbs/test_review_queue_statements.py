"""The pharmacist's review queue costs the same number of SQL statements however many
prescriptions wait: each row's patient, doctor and herbs are read for all rows at once (no N+1)."""

from tcm_app.extensions import db
from tests.factories import create_patient, create_pharmacist, login, signed_prescription
from tests.statement_count import NAMES, statements_of


def test_the_review_queues_statements_do_not_grow_with_its_length(client, app):
    pharmacist = create_pharmacist()
    patients = [create_patient(name=name) for name in NAMES[:8]]
    signed_prescription(patient=patients[0])
    signed_prescription(patient=patients[1], lines=(("黄芪", 30), ("当归", 10), ("白术", 12)))
    db.session.commit()
    login(client, pharmacist)
    few, _page = statements_of(client, "/herbs/review")
    for patient in patients[2:]:  # each with a doctor of its own
        signed_prescription(patient=patient)
    db.session.commit()
    many, page = statements_of(client, "/herbs/review")
    assert many == few
    assert all(patient.legal_name in page for patient in patients)
    assert page.count("2 × 7") == 7 and page.count("3 × 7") == 1  # herbs × packets per row
