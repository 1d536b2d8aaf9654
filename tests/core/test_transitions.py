"""The guarded transition helper (tcm_app/services/transitions.py): a move applies once, bumps
the version column in the same UPDATE, and leaves the loaded row showing the database's state."""

import pytest

from tcm_app.common.errors import ConflictError
from tcm_app.extensions import db
from tcm_app.models.encounters import Encounter
from tcm_app.services import transitions
from tests.factories import create_encounter

STARTED = {"status": "in_progress"}


def test_a_move_applies_once_and_bumps_the_version(app):
    encounter = create_encounter()
    db.session.flush()
    before = encounter.version
    assert transitions.move(encounter, expected="requested", values=STARTED) is True
    assert (encounter.status, encounter.version) == ("in_progress", before + 1)
    assert transitions.move(encounter, expected="requested", values=STARTED) is False
    assert encounter.version == before + 1


def test_the_loser_gets_the_refusal_it_passed(app):
    encounter = create_encounter()
    db.session.flush()
    transitions.move(encounter, expected="requested", values=STARTED)
    with pytest.raises(ConflictError) as refused:
        transitions.move(
            encounter,
            expected="requested",
            values=STARTED,
            refusal=ConflictError("visit already started", "already_started"),
        )
    assert refused.value.code == "already_started"


def test_bookkeeping_by_id_can_keep_the_version(app):
    encounter = create_encounter()
    db.session.flush()
    before = encounter.version
    moved = transitions.move_row(
        Encounter,
        encounter.id,
        column="started_at",
        expected=None,
        values={"chief_complaint": "胃脘胀痛"},
        bump_version=False,
    )
    db.session.refresh(encounter)
    assert moved and (encounter.chief_complaint, encounter.version) == ("胃脘胀痛", before)
