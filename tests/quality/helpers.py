"""Builders shared by the quality tests: a completed visit, a quality officer."""

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services import encounters
from tests.factories import create_prescribable_encounter, create_user


def completed_visit(patient=None, doctor=None):
    encounter = create_prescribable_encounter(patient=patient, doctor=doctor)
    encounters.complete_encounter(encounter, encounter.doctor)
    db.session.flush()
    return encounter


def quality_officer(username=None):
    return create_user(Role.QUALITY, username=username, full_name="周敏")
