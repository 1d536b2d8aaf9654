"""A patient's own and wards' record ids (access.own_patient_ids) are read once per transaction:
a patient's visit page asks for them for the visit, its prescriptions and its consult panels. A
ward added meanwhile is in them at once."""

from datetime import timedelta

import sqlalchemy as sa

from tcm_app.common.resident_id import build_resident_id
from tcm_app.extensions import db
from tcm_app.services import access, patients
from tcm_app.services.clock import clinic_today
from tests.factories import create_encounter, create_patient, login


def test_a_patients_visit_page_reads_the_patients_own_ids_once(client, app):
    encounter = create_encounter()
    db.session.commit()
    reads = []

    def count_ward_reads(conn, cursor, statement, *_args):
        if "WHERE patients.guardian_id" in statement:
            reads.append(statement)

    login(client, encounter.patient.user)
    sa.event.listen(db.engine, "before_cursor_execute", count_ward_reads)
    try:
        page = client.get(f"/encounters/{encounter.id}").get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count_ward_reads)
    assert len(reads) == 1
    assert "胃脘隐痛" in page


def test_a_ward_added_in_the_same_transaction_is_among_the_own_ids(app):
    guardian = create_patient()
    assert access.own_patient_ids(guardian.user) == [guardian.id]
    birth = clinic_today() - timedelta(days=3 * 365)
    child = patients.add_ward(
        guardian, "王小宝", build_resident_id("110105", birth, 5, "male"), "parent", guardian.user
    )
    assert access.own_patient_ids(guardian.user) == [guardian.id, child.id]
