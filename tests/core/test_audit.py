"""The audit log is append-only (ORM and database triggers) and its hash chain shows tampering."""

import itertools

import pytest
import sqlalchemy as sa

from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry, AuditLogIsAppendOnlyError
from tcm_app.models.encounters import Encounter
from tcm_app.services import documents, encounters
from tcm_app.services.audit import record_audit, verify_audit_chain
from tests.factories import create_encounter, png_bytes


def test_actions_append_chained_entries(app):
    create_encounter()
    record_audit("test.action", "thing", 1, "first")
    db.session.commit()
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries][-2:] == ["encounter.request", "test.action"]
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(entries))
    assert verify_audit_chain().intact


def test_orm_refuses_to_update_or_delete_entries(app):
    entry = record_audit("test.action", "thing", 1, "original")
    db.session.commit()
    entry.summary = "changed"
    with pytest.raises(AuditLogIsAppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AuditLogIsAppendOnlyError):
        db.session.commit()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET summary = 'forged'",
        "DELETE FROM audit_entries",
    ],
    ids=["raw-update-refused-by-trigger", "raw-delete-refused-by-trigger"],
)
def test_database_refuses_raw_changes(app, statement):
    record_audit("test.action", "thing", 1, "original")
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text(statement))
        db.session.commit()
    db.session.rollback()
    summaries = sa.select(AuditEntry.summary).where(AuditEntry.action == "test.action")
    assert db.session.scalar(summaries) == "original"


@pytest.mark.parametrize(
    "table", ["patients", "encounters", "clinical_documents", "encounter_diagnoses"]
)
def test_medical_records_are_never_hard_deleted(app, table):
    encounter = create_encounter()
    documents.add_document(
        encounter, encounter.patient.user, "outpatient_record", "r.png", png_bytes()
    )
    encounters.start_encounter(encounter, encounter.doctor)
    encounters.record_diagnosis(encounter, encounter.doctor, "胃脘痛", "脾胃虚寒证")
    db.session.commit()
    assert db.session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() >= 1
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text(f"DELETE FROM {table}"))
        db.session.commit()
    db.session.rollback()


def _bypass_triggers_and_forge():
    """What an attacker with database access could do: drop the guard, then edit a row."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(sa.text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
    else:
        db.session.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
    db.session.execute(
        sa.text("UPDATE audit_entries SET summary = 'forged' WHERE id = :id"),
        {"id": db.session.scalar(sa.select(sa.func.min(AuditEntry.id)))},
    )
    db.session.commit()


def test_verify_command_finds_tampering(app, runner):
    for n in range(3):
        record_audit("test.action", "thing", n, f"entry {n}")
    db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    _bypass_triggers_and_forge()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at entry" in result.output


def test_concurrent_writers_never_fork_the_chain(app):
    """Eight threads, each its own session and transaction, append at once; the chain stays one."""
    import threading

    errors = []

    def writer(n):
        try:
            with app.app_context():
                for k in range(10):
                    record_audit("test.concurrent", "thread", n, f"entry {k}")
                    db.session.commit()
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    already = verify_audit_chain().checked  # the catalogue import of the test database
    db.session.commit()
    db.session.remove()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = verify_audit_chain()
    assert report.intact and report.checked == already + 80


def _actions_in_chain() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_an_entry_recorded_in_a_savepoint_that_rolls_back_never_joins_the_chain(app):
    record_audit("test.kept_before", "thing", 1, "before the savepoint")
    with pytest.raises(RuntimeError), db.session.begin_nested():
        record_audit("test.undone", "thing", 1, "inside, then rolled back")
        raise RuntimeError("the savepoint's work failed")
    with db.session.begin_nested():
        record_audit("test.kept_inside", "thing", 1, "inside a released savepoint")
    db.session.commit()
    chain = _actions_in_chain()
    assert chain[-2:] == ["test.kept_before", "test.kept_inside"] and "test.undone" not in chain
    assert verify_audit_chain().intact


def test_an_entry_of_a_rolled_back_transaction_never_joins_the_chain(app):
    record_audit("test.rolled_back", "thing", 1, "the action failed")
    db.session.rollback()
    record_audit("test.committed", "thing", 1, "the next action")
    db.session.commit()
    chain = _actions_in_chain()
    assert chain[-1] == "test.committed" and "test.rolled_back" not in chain


def test_an_open_transaction_that_audited_does_not_hold_back_other_writers(app):
    """The chain's tail is taken at commit: a request still working after its audited action
    (a page rendering after `patient.view`) does not queue the others' appends behind it."""
    import threading

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises every transaction (BEGIN IMMEDIATE)")
    create_encounter()
    db.session.commit()
    record_audit("test.slow_request", "thing", 1, "recorded, not yet committed")
    db.session.scalar(sa.select(Encounter.id).limit(1))  # the request goes on working
    finished = threading.Event()

    def other_request():
        with app.app_context():
            record_audit("test.quick_request", "thing", 2, "recorded and committed")
            db.session.commit()
            finished.set()

    other = threading.Thread(target=other_request)
    other.start()
    committed_meanwhile = finished.wait(timeout=20)
    db.session.commit()
    other.join()
    assert committed_meanwhile
    assert _actions_in_chain()[-2:] == ["test.quick_request", "test.slow_request"]
    assert verify_audit_chain().intact


def test_a_transaction_reading_the_log_sees_its_own_entries(app):
    record_audit("test.read_back", "thing", 1, "recorded, not yet committed")
    assert _actions_in_chain()[-1] == "test.read_back"
    db.session.commit()
    assert _actions_in_chain()[-1] == "test.read_back" and verify_audit_chain().intact
