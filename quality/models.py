"""The quality office's records: patients' ratings of a visit, herb order or treatment (once each;
a rating removed on appeal keeps its row with who removed it, when and why), the doctors'
appeals, patients' complaints with every step taken on them, and the daily figures per doctor,
department and hospital with the run that computed them. Nothing here is deleted (database
triggers, migration 0020); complaint steps and figures are append-only."""

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow


class Rating(db.Model):
    """A patient's rating (1–5, an optional comment) of one thing they received. The rated
    clinician and department are copied from the subject when rated, so the figures count them
    without reaching into other domains' tables."""

    __tablename__ = "quality_ratings"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))  # encounter | herb_order | treatment
    subject_id: Mapped[int] = mapped_column(Integer)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removal_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    patient = relationship("Patient")
    doctor = relationship("User", foreign_keys=[doctor_id])
    appeal: Mapped["RatingAppeal | None"] = relationship(back_populates="rating", uselist=False)


class RatingAppeal(db.Model):
    """A doctor's appeal against a rating (once per rating) and the quality officer's decision:
    upheld (the rating is removed from the figures) or rejected, with a reason."""

    __tablename__ = "quality_rating_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("quality_ratings.id"), unique=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    rating: Mapped[Rating] = relationship(back_populates="appeal")
    doctor = relationship("User", foreign_keys=[doctor_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class Complaint(db.Model):
    """A patient's complaint, optionally about one thing they received (the clinician and
    department copied from it), answered by the quality office by `due_at`."""

    __tablename__ = "quality_complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    subject_type: Mapped[str | None] = mapped_column(String(16))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    doctor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    text: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), default="filed", index=True)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The complaint said in a voice note (语音留言, migration 0026): stored file and type; the
    # text may then be empty.
    audio_key: Mapped[str | None] = mapped_column(String(64))
    audio_mime: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    patient = relationship("Patient")
    doctor = relationship("User", foreign_keys=[doctor_id])
    steps: Mapped[list["ComplaintStep"]] = relationship(order_by="ComplaintStep.id", viewonly=True)


class ComplaintStep(db.Model):
    """One step on a complaint (filed, a note, a contact with the patient, the answer), in
    order. Append-only."""

    __tablename__ = "quality_complaint_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("quality_complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # filed | note | contact | answer
    text: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User")


class FigureRun(db.Model):
    """One computation of a day's figures. A day is computed once by the beat task; computing it
    again (the CLI) adds a new run, and the latest run is the one shown and exported; earlier
    runs are kept. Append-only."""

    __tablename__ = "quality_figure_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    trigger: Mapped[str] = mapped_column(String(16))  # beat | cli | demo
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seconds: Mapped[float] = mapped_column(Float)  # how long the computation took


class DailyFigure(db.Model):
    """The sums behind one scope's figures on one day (quality/rules.py `Tally`; the published
    figures are derived from them by `figures_of`). Append-only."""

    __tablename__ = "quality_daily_figures"
    __table_args__ = (Index("ix_quality_daily_figures_run_scope", "run_id", "scope", "scope_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("quality_figure_runs.id"))
    day: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(String(16))  # hospital | department | doctor
    scope_id: Mapped[int | None] = mapped_column(Integer)  # the department's or doctor's id
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    visits: Mapped[int] = mapped_column(Integer)
    visit_seconds: Mapped[float] = mapped_column(Float)
    visits_timed: Mapped[int] = mapped_column(Integer)
    responses: Mapped[int] = mapped_column(Integer)
    response_seconds: Mapped[float] = mapped_column(Float)
    missed_responses: Mapped[int] = mapped_column(Integer)
    ratings: Mapped[int] = mapped_column(Integer)
    rating_total: Mapped[int] = mapped_column(Integer)
    complaints: Mapped[int] = mapped_column(Integer)
    prescriptions: Mapped[int] = mapped_column(Integer)
    renewals: Mapped[int] = mapped_column(Integer)
