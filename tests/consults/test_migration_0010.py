"""Migration 0010 (event times) keeps consult events append-only both ways: going back to 0009 and
up again leaves the triggers in place (a SQLite table copy would otherwise drop them), and the
rows already there keep their times."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from consults.services import calls
from tcm_app.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
CHANGES = [
    ("update", "UPDATE consult_events SET name = 'forged'"),
    ("delete", "DELETE FROM consult_events"),
]


def refused(statement: str) -> bool:
    try:
        db.session.execute(sa.text(statement))
        db.session.flush()
    except sa.exc.DatabaseError:
        return True
    finally:
        db.session.rollback()
    return False


@pytest.mark.parametrize(
    "statement", [c[1] for c in CHANGES], ids=[f"{c[0]} refused" for c in CHANGES]
)
def test_events_stay_append_only_down_to_0009_and_up_again(app, consult, statement):
    calls.record_event(consult.id, consult.doctor_id, "connected", {"candidate_type": "host"})
    db.session.commit()
    db.session.remove()
    downgrade(directory=MIGRATIONS, revision="0009_inbox_registration")
    assert refused(statement)
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("consult_events")}
    assert "received_at" not in columns and "browser_at" not in columns
    upgrade(directory=MIGRATIONS)
    assert refused(statement)
    names = db.session.scalars(sa.text("SELECT name FROM consult_events")).all()
    db.session.rollback()
    assert names == ["connected"]
