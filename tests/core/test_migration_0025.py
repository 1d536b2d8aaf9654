"""Migration 0025 (elderly mode and family proxies) both ways: down to 0024 takes users.elder_mode
and family_proxies away and keeps the accounts; up again brings them back empty, with the
never-deleted trigger and the one-live-consent index."""

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tcm_app.extensions import db
from tcm_app.models.patients import FamilyProxy
from tests.factories import create_patient

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


def test_down_to_0024_and_up_again(app):
    patient = create_patient()
    patient.user.elder_mode = True
    db.session.commit()
    user_id, patient_id = patient.user.id, patient.id
    db.session.remove()
    downgrade(directory=MIGRATIONS, revision="0024_external_orders")
    inspector = sa.inspect(db.engine)
    assert "family_proxies" not in inspector.get_table_names()
    assert "elder_mode" not in {c["name"] for c in inspector.get_columns("users")}
    assert db.session.scalar(sa.text("SELECT count(*) FROM users WHERE id = :id"), {"id": user_id})
    db.session.rollback()
    upgrade(directory=MIGRATIONS)
    inspector = sa.inspect(db.engine)
    indexes = {i["name"] for i in inspector.get_indexes("family_proxies")}
    assert "uq_family_proxies_live_pair" in indexes
    mode = db.session.scalar(
        sa.text("SELECT elder_mode FROM users WHERE id = :id"), {"id": user_id}
    )
    db.session.rollback()
    assert not mode  # the column comes back with its default: off
    other = create_patient()
    db.session.add(
        FamilyProxy(
            elder_id=patient_id, proxy_id=other.id, relation="family_child", granted_by_id=user_id
        )
    )
    db.session.commit()
    try:
        db.session.execute(sa.text("DELETE FROM family_proxies"))
        refused = False
    except sa.exc.DatabaseError:
        refused = True
    finally:
        db.session.rollback()
    assert refused  # never deleted, as after the first upgrade
