"""Ratings and appeals (quality/services/ratings.py): a patient or guardian rates a completed
visit once (the database refuses a second row too); another patient's visit looks missing; the
doctor appeals once; the quality officer upholds (the rating is flagged removed, never deleted)
or rejects with a reason; every step is audited and the doctor told."""

import pytest
import sqlalchemy as sa

from quality.models import Rating
from quality.services import ratings
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.models.inbox import InboxMessage
from tests.factories import create_child, create_doctor, create_patient
from tests.quality.helpers import completed_visit, quality_officer


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_patient_rates_a_completed_visit_once(app):
    visit = completed_visit()
    user = visit.patient.user
    waiting, rated = ratings.awaiting(user)
    assert [(s.kind, s.id) for s in waiting] == [("encounter", visit.id)] and rated == []
    rating = ratings.rate(user, "encounter", visit.id, 4, " 耐心 ")
    db.session.commit()
    assert (rating.score, rating.comment, rating.doctor_id) == (4, "耐心", visit.doctor_id)
    assert rating.department_id == visit.department_id
    assert "quality.rate" in actions()
    with pytest.raises(ConflictError) as again:
        ratings.rate(user, "encounter", visit.id, 1, "")
    assert again.value.code == "already_rated"
    waiting, rated = ratings.awaiting(user)
    assert waiting == [] and [r.id for _, r in rated] == [rating.id]


def test_the_database_refuses_a_second_rating_of_the_same_thing(app):
    visit = completed_visit()
    ratings.rate(visit.patient.user, "encounter", visit.id, 5, "")
    db.session.commit()
    db.session.add(
        Rating(subject_type="encounter", subject_id=visit.id, patient_id=visit.patient_id,
               doctor_id=visit.doctor_id, score=1, comment="", rated_by_id=visit.doctor_id)
    )  # fmt: skip
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_rating_is_never_deleted(app):
    visit = completed_visit()
    rating = ratings.rate(visit.patient.user, "encounter", visit.id, 5, "")
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.delete(Rating).where(Rating.id == rating.id))
        db.session.flush()
    db.session.rollback()


def test_a_guardian_rates_the_childs_visit_and_a_stranger_cannot(app):
    guardian = create_patient(name="王芳")
    child = create_child(guardian, years=8)
    visit = completed_visit(patient=child)
    stranger = create_patient(name="李四")
    with pytest.raises(NotFoundError):
        ratings.rate(stranger.user, "encounter", visit.id, 5, "")
    assert ratings.rate(guardian.user, "encounter", visit.id, 5, "").patient_id == child.id


@pytest.mark.parametrize("status", ["requested", "in_progress"])
def test_a_visit_not_completed_cannot_be_rated(app, status):
    visit = completed_visit()
    visit.status = status
    db.session.flush()
    with pytest.raises(NotFoundError):
        ratings.rate(visit.patient.user, "encounter", visit.id, 5, "")


def test_a_bad_score_or_a_long_comment_is_refused_on_its_field(app):
    visit = completed_visit()
    with pytest.raises(ValidationError) as bad:
        ratings.rate(visit.patient.user, "encounter", visit.id, 7, "")
    assert bad.value.fields == {"score": ["bad_score"]}
    with pytest.raises(ValidationError) as long:
        ratings.rate(visit.patient.user, "encounter", visit.id, 3, "长" * 501)
    assert long.value.fields == {"comment": ["comment_too_long"]}


def appealed(reason="患者未按约定时间上线，医生多次呼叫无人应答"):
    visit = completed_visit()
    rating = ratings.rate(visit.patient.user, "encounter", visit.id, 1, "没看上")
    officer = quality_officer()
    appeal = ratings.appeal(visit.doctor, rating.id, reason)
    db.session.commit()
    return visit, rating, appeal, officer


def test_the_doctor_appeals_once_and_only_their_own_rating(app):
    visit, rating, appeal, officer = appealed()
    assert appeal.status == "open" and ratings.open_appeals() == [appeal]
    with pytest.raises(ConflictError) as again:
        ratings.appeal(visit.doctor, rating.id, "再次申诉")
    assert again.value.code == "already_appealed"
    with pytest.raises(NotFoundError):
        ratings.appeal(create_doctor(username="other"), rating.id, "不是我的")
    told = db.session.scalars(sa.select(InboxMessage).where(InboxMessage.user_id == officer.id))
    assert [m.kind for m in told] == ["quality_appeal"]


def test_an_appeal_needs_a_reason(app):
    visit = completed_visit()
    rating = ratings.rate(visit.patient.user, "encounter", visit.id, 1, "")
    with pytest.raises(ValidationError) as refused:
        ratings.appeal(visit.doctor, rating.id, "  ")
    assert refused.value.fields == {"reason": ["reason_required"]}


def test_an_upheld_appeal_removes_the_rating_with_who_when_and_why(app):
    visit, rating, appeal, officer = appealed()
    assert ratings.doctor_summary(visit.doctor) == (1, 1.0)
    ratings.decide(officer, appeal.id, True, "核实为患者未上线")
    db.session.commit()
    db.session.refresh(rating)
    assert rating.removed_by_id == officer.id and rating.removal_reason == "核实为患者未上线"
    assert rating.removed_at is not None
    assert ratings.doctor_summary(visit.doctor) == (0, None)
    assert db.session.get(Rating, rating.id) is not None  # flagged, not deleted
    assert "quality.appeal_upheld" in actions()
    told = db.session.scalars(
        sa.select(InboxMessage.text).where(InboxMessage.user_id == visit.doctor_id)
    ).all()
    assert any("申诉" in text for text in told)
    with pytest.raises(ConflictError) as again:
        ratings.decide(officer, appeal.id, False, "改判")
    assert again.value.code == "appeal_decided"


def test_a_rejected_appeal_keeps_the_rating_and_tells_the_doctor_why(app):
    visit, rating, appeal, officer = appealed()
    ratings.decide(officer, appeal.id, False, "患者已按时上线")
    db.session.commit()
    db.session.refresh(rating)
    assert rating.removed_at is None and appeal.status == "rejected"
    assert "quality.appeal_rejected" in actions()
    told = db.session.scalars(
        sa.select(InboxMessage.text).where(InboxMessage.user_id == visit.doctor_id)
    ).all()
    assert any("患者已按时上线" in text for text in told)


def received_order():
    """A herb order placed on an approved prescription, then collected (the stage moves are the
    decoction domain's; here the order is simply marked picked up)."""
    from decoction.services import orders
    from tests.factories import approved_prescription

    rx = approved_prescription()
    order = orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup")
    order.status = "picked_up"
    db.session.flush()
    return rx, order


def test_a_collected_herb_order_is_rated_for_the_prescribing_doctor(app):
    rx, order = received_order()
    user = rx.encounter.patient.user
    waiting, _ = ratings.awaiting(user)
    assert ("herb_order", order.id) in [(s.kind, s.id) for s in waiting]
    rating = ratings.rate(user, "herb_order", order.id, 4, "包装很好")
    assert (rating.doctor_id, rating.department_id) == (rx.doctor_id, rx.encounter.department_id)


def test_an_order_not_yet_received_cannot_be_rated(app):
    rx, order = received_order()
    order.status = "shipped"
    db.session.flush()
    with pytest.raises(NotFoundError):
        ratings.rate(rx.encounter.patient.user, "herb_order", order.id, 4, "")


def test_a_performed_treatment_is_rated_for_its_practitioner(app):
    from tests.factories import create_bed, create_practitioner, open_treatment_clinic
    from tests.treatments.helpers import NO, at
    from treatments.services import bookings
    from treatments.services.catalogue import therapy_by_code

    open_treatment_clinic()
    doctor = create_doctor(username="dr-needle")
    create_practitioner(user=doctor)
    create_bed("bed-q")
    patient = create_patient()
    booking = bookings.book(
        patient.user, patient,
        bookings.Request(therapy_by_code("acupuncture"), at(1, 9), doctor.id, dict(NO)),
    )  # fmt: skip
    with pytest.raises(NotFoundError):  # booked, not yet performed
        ratings.rate(patient.user, "treatment", booking.id, 5, "")
    booking.status = "completed"
    db.session.flush()
    rating = ratings.rate(patient.user, "treatment", booking.id, 5, "手法轻柔")
    assert (
        rating.doctor_id == doctor.id
        and rating.department_id == doctor.doctor_profile.department_id
    )
