"""The doctor's course (疗程) recommendation: only on their own encounter, within sane limits,
audited; the patient lists those not yet booked, and only their own (and their wards')."""

from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from tcm_app.common.errors import NotFoundError, PermissionDeniedError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tests.factories import create_child, create_doctor, create_encounter, create_patient
from tests.treatments.helpers import NO, clinic_today, small_clinic
from treatments.services import courses, recommendations

PATTERN = {"sessions": 10, "every_days": 2, "course_length": 10, "rest_days": 3}


def recommend(encounter, doctor, **changes):
    return recommendations.recommend(
        encounter, doctor, changes.pop("therapy", "acupuncture"), **{**PATTERN, **changes}
    )


def test_the_encounters_doctor_recommends_a_course_and_it_is_audited(app):
    practitioner, patient, therapy = small_clinic()
    encounter = create_encounter(patient=patient, doctor=practitioner.user)
    rec = recommend(encounter, practitioner.user, note="  颈肩痛  ")
    assert (rec.therapy, rec.sessions, rec.note) == (therapy, 10, "颈肩痛")
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "treatment.recommend_course" in actions


def test_another_doctor_cannot_recommend_on_the_encounter(app):
    practitioner, patient, _therapy = small_clinic()
    encounter = create_encounter(patient=patient, doctor=practitioner.user)
    with pytest.raises(PermissionDeniedError):
        recommend(encounter, create_doctor(username="dr-other"))


def test_an_unknown_therapy_is_refused(app):
    practitioner, patient, _therapy = small_clinic()
    encounter = create_encounter(patient=patient, doctor=practitioner.user)
    with pytest.raises(NotFoundError):
        recommend(encounter, practitioner.user, therapy="bloodletting")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sessions", 0),
        ("sessions", 31),
        ("every_days", 0),
        ("every_days", 8),
        ("rest_days", -1),
        ("rest_days", 15),
        ("course_length", 31),
        ("sessions", "10"),
        ("sessions", True),
    ],
    ids=lambda v: str(v),
)
def test_numbers_outside_the_limits_are_refused_per_field(app, field, value):
    practitioner, patient, _therapy = small_clinic()
    encounter = create_encounter(patient=patient, doctor=practitioner.user)
    with pytest.raises(ValidationError) as refused:
        recommend(encounter, practitioner.user, **{field: value})
    assert refused.value.fields == {field: ["out_of_range"]}


@pytest.mark.parametrize(
    ("field", "value"),
    [("sessions", 1), ("sessions", 30), ("every_days", 7), ("rest_days", 0), ("rest_days", 14)],
    ids=lambda v: str(v),
)
def test_the_limits_themselves_are_accepted(app, field, value):
    practitioner, patient, _therapy = small_clinic()
    encounter = create_encounter(patient=patient, doctor=practitioner.user)
    assert getattr(recommend(encounter, practitioner.user, **{field: value}), field) == value


def test_the_patient_lists_their_and_their_wards_open_recommendations_only(app):
    practitioner, patient, therapy = small_clinic()
    child = create_child(patient)
    stranger = create_patient(name="李四")
    mine = recommend(create_encounter(patient=patient, doctor=practitioner.user), practitioner.user)
    ward = recommend(create_encounter(patient=child, doctor=practitioner.user), practitioner.user)
    recommend(create_encounter(patient=stranger, doctor=practitioner.user), practitioner.user)
    assert {r.id for r in recommendations.for_patient(patient.user)} == {mine.id, ward.id}
    assert recommendations.visible_recommendation(stranger.user, mine.id) is None
    plan = courses.CoursePlan(
        therapy, clinic_today() + timedelta(days=1), time(9), practitioner.user_id, 2, 2
    )
    courses.book_course(patient.user, patient, plan, dict(NO), recommendation=mine)
    db.session.flush()
    db.session.expire_all()
    assert [r.id for r in recommendations.for_patient(patient.user)] == [ward.id]
    assert recommendations.is_booked(mine)
