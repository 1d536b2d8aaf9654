"""Follow-up (随访): the plan a doctor attaches at the end of a visit, its tasks (questionnaires
on given days, a tongue photo, a revisit reminder) with the patient's answers and the alerts they
raised, the doctor's contact records, and adverse drug reactions (不良反应) reported by patients
or staff with the prescription and its herbs. Nothing here is deleted (migration 0019)."""

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow


class FollowUpPlan(db.Model):
    """A patient's follow-up after one visit: tasks fall due counted from `start_on`."""

    __tablename__ = "followup_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), index=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    prescription_id: Mapped[int | None] = mapped_column(ForeignKey("prescriptions.id"))
    template_code: Mapped[str | None] = mapped_column(String(32))  # None: planned by hand
    title: Mapped[str] = mapped_column(String(120))
    start_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")  # what the doctor tells the patient
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    patient = relationship("Patient")
    encounter = relationship("Encounter")
    doctor = relationship("User", foreign_keys=[doctor_id])
    prescription = relationship("Prescription")
    tasks: Mapped[list["FollowUpTask"]] = relationship(
        order_by="(FollowUpTask.due_on, FollowUpTask.id)", back_populates="plan"
    )


class FollowUpTask(db.Model):
    """One thing the patient is asked to do on a day; `alerts` are the reasons their answers
    raised, handled once the doctor records a contact after them."""

    __tablename__ = "followup_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("followup_plans.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # questionnaire | tongue_photo | revisit
    scale_code: Mapped[str | None] = mapped_column(String(16))
    scale_version: Mapped[str | None] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # | done
    reminded_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # item code → value as ticked
    note: Mapped[str] = mapped_column(Text, default="")  # the patient's own words
    alerts: Mapped[list] = mapped_column(JSON, default=list)
    alerted: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # alerts not empty
    alerts_handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    plan = relationship("FollowUpPlan", back_populates="tasks")
    photo = relationship("FollowUpPhoto", uselist=False)


class FollowUpPhoto(db.Model):
    """The file a task came back with (its metadata stripped): the photo a photo task asked for,
    or the voice note sent with a questionnaire's answers (content_type audio/...). Append-only."""

    __tablename__ = "followup_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("followup_tasks.id"), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_type: Mapped[str] = mapped_column(String(32))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)


class FollowUpContact(db.Model):
    """The doctor's record of contacting the patient (a call, a message, a visit). Append-only."""

    __tablename__ = "followup_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("followup_plans.id"), index=True)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[str] = mapped_column(String(16))  # phone | message | video | in_clinic
    note: Mapped[str] = mapped_column(Text)

    by = relationship("User")


class AdverseReaction(db.Model):
    """A suspected adverse reaction to a prescription, reported by the patient or a member of
    staff, assessed by a pharmacist, passed on to the monitoring system by the quality office."""

    __tablename__ = "adverse_reactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    prescription_id: Mapped[int] = mapped_column(ForeignKey("prescriptions.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("followup_tasks.id"))
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reporter_role: Mapped[str] = mapped_column(String(16))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    onset_on: Mapped[date] = mapped_column(Date)
    severity: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    herbs: Mapped[list] = mapped_column(JSON, default=list)  # the prescription's lines then
    suspected: Mapped[list] = mapped_column(JSON, default=list)  # herb names the reporter named
    report_due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="reported", index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    causality: Mapped[str | None] = mapped_column(String(16))
    review_note: Mapped[str | None] = mapped_column(Text)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submission_ref: Mapped[str | None] = mapped_column(String(64))
    # The reporter's own words also said in a voice note (语音留言, migration 0026).
    audio_key: Mapped[str | None] = mapped_column(String(64))
    audio_mime: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    patient = relationship("Patient")
    prescription = relationship("Prescription")
    reported_by = relationship("User", foreign_keys=[reported_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
