"""Ratings (评价) and appeals (申诉): a patient rates what they received once; the rated doctor
sees their ratings and may appeal one, once, with a reason; the quality officer upholds the
appeal (the rating is flagged removed, with who, when and why, and leaves the figures) or
rejects it. Every step is audited; the doctor is told the outcome in the inbox."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from quality import rules
from quality.models import Rating, RatingAppeal
from quality.services import subjects
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.services import inbox
from tcm_app.services.access import own_patient_ids
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import utc_now
from tcm_app.services.transitions import move

UPHELD_TEXT = _l("Your appeal against a rating was upheld: the rating no longer counts.")
REJECTED_TEXT = _l("Your appeal against a rating was rejected: %(reason)s")
APPEAL_TEXT = _l("Dr %(name)s appeals against a rating; it waits for your decision.")
ALREADY_RATED = "already_rated"


def _refuse(exc: rules.QualityError, field: str):
    return exc.refusal(ValidationError, fields={field: [exc.code]})


def ratings_of(patient_ids: list[int]) -> dict[tuple[str, int], Rating]:
    """The ratings of these patients' received things, by (kind, id)."""
    if not patient_ids:
        return {}
    rows = db.session.scalars(select(Rating).where(Rating.patient_id.in_(patient_ids)))
    return {(r.subject_type, r.subject_id): r for r in rows}


def awaiting(user: User) -> tuple[list[subjects.Subject], list[tuple[subjects.Subject, Rating]]]:
    """(what the patient may still rate, what they rated with the rating), newest first."""
    ids = own_patient_ids(user)
    given = ratings_of(ids)
    received = subjects.received(ids) if ids else []
    open_ = [s for s in received if (s.kind, s.id) not in given]
    rated = [(s, given[(s.kind, s.id)]) for s in received if (s.kind, s.id) in given]
    return open_, rated


def rating_for(kind: str, subject_id: int) -> Rating | None:
    return db.session.scalar(
        select(Rating).where(Rating.subject_type == kind, Rating.subject_id == subject_id)
    )


def rate(user: User, kind: str, subject_id: int, score: int, comment: str) -> Rating:
    """The patient's (or guardian's) one rating of something received. A second try is refused
    in Chinese; the database's unique key refuses it too when two arrive at once. Flushes."""
    subject = subjects.subject(own_patient_ids(user), kind, subject_id)
    try:
        comment = rules.check_rating(score, comment)
    except rules.QualityError as exc:
        raise _refuse(exc, "comment" if exc.code == "comment_too_long" else "score") from exc
    if rating_for(kind, subject_id) is not None:
        raise ConflictError("already rated", ALREADY_RATED)
    rating = Rating(
        subject_type=kind, subject_id=subject_id, patient_id=subject.patient_id,
        doctor_id=subject.doctor_id, department_id=subject.department_id, score=score,
        comment=comment, rated_by_id=user.id, rated_at=utc_now(),
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(rating)
    except IntegrityError as exc:
        raise ConflictError("already rated", ALREADY_RATED) from exc
    record_audit(
        "quality.rate", "quality_rating", rating.id, f"{kind} {subject_id} rated {score}",
        {"subject_type": kind, "subject_id": subject_id, "score": score}, actor=user,
    )  # fmt: skip
    return rating


def doctor_ratings(doctor: User, limit: int = 200) -> list[Rating]:
    """The doctor's own ratings, newest first (removed ones too, marked)."""
    return list(
        db.session.scalars(
            select(Rating)
            .where(Rating.doctor_id == doctor.id)
            .order_by(Rating.rated_at.desc(), Rating.id.desc())
            .limit(limit)
        )
    )


def doctor_summary(doctor: User) -> tuple[int, float | None]:
    """(count, mean) of the doctor's ratings that count (not removed)."""
    count, mean = db.session.execute(
        select(func.count(Rating.id), func.avg(Rating.score)).where(
            Rating.doctor_id == doctor.id, Rating.removed_at.is_(None)
        )
    ).one()
    return count, round(float(mean), 2) if mean is not None else None


def own_rating(doctor: User, rating_id: int) -> Rating:
    rating = db.session.get(Rating, rating_id)
    if rating is None or rating.doctor_id != doctor.id:
        raise NotFoundError("rating not found")
    return rating


def appeal(doctor: User, rating_id: int, reason: str) -> RatingAppeal:
    """The doctor's one appeal against their own rating. Flushes."""
    rating = own_rating(doctor, rating_id)
    try:
        reason = rules.check_reason(reason)
    except rules.QualityError as exc:
        raise _refuse(exc, "reason") from exc
    if rating.appeal is not None or rating.removed_at is not None:
        raise ConflictError("already appealed", "already_appealed")
    row = RatingAppeal(rating_id=rating.id, doctor_id=doctor.id, reason=reason, filed_at=utc_now())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError as exc:
        raise ConflictError("already appealed", "already_appealed") from exc
    db.session.refresh(rating)
    record_audit(
        "quality.appeal", "quality_rating", rating.id, "appeal filed", {"reason": reason},
        actor=doctor,
    )  # fmt: skip
    _tell_officers(doctor)
    return row


def _tell_officers(doctor: User) -> None:
    inbox.post_to_role(Role.QUALITY, "quality_appeal", APPEAL_TEXT, {"name": doctor.full_name},
                       link=inbox.path_for("quality.desk"))  # fmt: skip


def open_appeals() -> list[RatingAppeal]:
    return list(
        db.session.scalars(
            select(RatingAppeal)
            .where(RatingAppeal.status == rules.APPEAL_OPEN)
            .order_by(RatingAppeal.filed_at, RatingAppeal.id)
        )
    )


def appeal_by_id(appeal_id: int) -> RatingAppeal:
    row = db.session.get(RatingAppeal, appeal_id)
    if row is None:
        raise NotFoundError("appeal not found")
    return row


def decide(officer: User, appeal_id: int, uphold: bool, reason: str) -> RatingAppeal:
    """The quality officer's decision, once: upheld flags the rating removed (who, when, why);
    rejected keeps it. Either way the reason is required and the doctor is told. Flushes."""
    row = appeal_by_id(appeal_id)
    try:
        reason = rules.check_reason(reason)
    except rules.QualityError as exc:
        raise _refuse(exc, "reason") from exc
    now = utc_now()
    move(
        row, expected=rules.APPEAL_OPEN,
        values={"status": rules.appeal_outcome(uphold), "decided_by_id": officer.id,
                "decided_at": now, "decision_reason": reason},
        refusal=ConflictError("already decided", "appeal_decided"),
    )  # fmt: skip
    if uphold:
        move(
            row.rating, column="removed_at", expected=None,
            values={"removed_at": now, "removed_by_id": officer.id, "removal_reason": reason},
        )  # fmt: skip
    record_audit(
        "quality.appeal_upheld" if uphold else "quality.appeal_rejected", "quality_rating",
        row.rating_id, reason, {"appeal_id": row.id}, actor=officer,
    )  # fmt: skip
    doctor = row.doctor
    text = (
        inbox.text_for(doctor, UPHELD_TEXT)
        if uphold
        else inbox.text_for(doctor, REJECTED_TEXT, reason=reason)
    )
    inbox.post(
        doctor, "quality_appeal", text, link=inbox.path_for("quality.my_figures"),
        subject=("quality_rating", row.rating_id),
    )  # fmt: skip
    return row
