"""Constitution assessments (中医体质测评) and preventive care (治未病): a patient's answers to a
scale (kept as given, saved page by page, frozen once submitted, the scores and verdicts stored
with the scale's version), the doctor's confirmed constitution, the doctor's request to take it
before a visit, and the care plans with their reassessment reminders. Nothing here is deleted;
a submitted assessment is refused any change by a database trigger (migration 0015)."""

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow


class Assessment(db.Model):
    """One taking of a scale: draft while the patient answers (resumable at `page`), then
    submitted with its scores, verdicts, constitution (`primary`) and tendencies."""

    __tablename__ = "constitution_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    scale_code: Mapped[str] = mapped_column(String(16))
    scale_version: Mapped[str] = mapped_column(String(16))
    sex: Mapped[str] = mapped_column(String(8))  # the patient's at the start: which items apply
    age: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # item code → value as ticked
    page: Mapped[int] = mapped_column(Integer, default=1)  # where answering resumes
    request_id: Mapped[int | None] = mapped_column(ForeignKey("constitution_requests.id"))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # type → score (a number)
    verdicts: Mapped[dict] = mapped_column(JSON, default=dict)  # type → yes|basically_yes|…
    primary: Mapped[list] = mapped_column(JSON, default=list)
    tendencies: Mapped[list] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    patient = relationship("Patient")


class Confirmation(db.Model):
    """The constitution a doctor confirms (it may differ from the questionnaire's), with a
    note; the latest one stands. Append-only."""

    __tablename__ = "constitution_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("constitution_assessments.id"))
    encounter_id: Mapped[int | None] = mapped_column(ForeignKey("encounters.id"))
    doctor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    primary: Mapped[list] = mapped_column(JSON, default=list)
    tendencies: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    doctor = relationship("User")


class AssessmentRequest(db.Model):
    """A doctor asks a patient to take the questionnaire (before a visit); done when the
    patient submits one after it."""

    __tablename__ = "constitution_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    encounter_id: Mapped[int | None] = mapped_column(ForeignKey("encounters.id"))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | done
    note: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    doctor = relationship("User")
    patient = relationship("Patient")


class CarePlan(db.Model):
    """A 治未病 programme: a patient enrolled for their constitution by a doctor or health
    manager, reassessed every `reassess_days` (a reminder on `next_due`)."""

    __tablename__ = "constitution_care_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    constitution: Mapped[str] = mapped_column(String(16))
    goal: Mapped[str] = mapped_column(Text, default="")
    reassess_days: Mapped[int] = mapped_column(Integer)
    next_due: Mapped[date] = mapped_column(Date, index=True)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    enrolled_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    patient = relationship("Patient")
    enrolled_by = relationship("User", foreign_keys=[enrolled_by_id])
