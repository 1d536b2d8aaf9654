"""Outside prescriptions (拍方抓药): a patient's photographed prescription written at another
institution, its page photos (each image's hash unique: a photo is dispensed once), where it
stands, the pharmacist's review and transcription (migration 0022) and the question thread. Kept
for the records' term; never deleted (migrations 0021, 0022)."""

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow


class ExternalSubmission(db.Model):
    """draft (the patient adds pages) → waiting (for a pharmacist) ⇄ questions (to the patient;
    the review clock stops) → approved (an external prescription record an order may use once)
    or refused (with the reason the patient reads)."""

    __tablename__ = "external_submissions"
    # One paper of one institution is dispensed once (with the page photos' unique hashes).
    __table_args__ = (UniqueConstraint("institution", "rx_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    institution: Mapped[str] = mapped_column(String(64))
    doctor_name: Mapped[str] = mapped_column(String(64))
    written_on: Mapped[date] = mapped_column(Date)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)  # "my own current prescription"
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    retain_until: Mapped[date] = mapped_column(Date)
    # The review: the checks confirmed in turn ({check: {"by": user id, "at": ISO time}}), the
    # institution's own prescription number, then the transcription (lines, packets, usage).
    checks: Mapped[dict] = mapped_column(JSON, default=dict)
    rx_number: Mapped[str | None] = mapped_column(String(40))
    # The validity the paper states, in days from the day written (at most the setting's, 3);
    # None: it states none, so the setting's.
    valid_days: Mapped[int | None] = mapped_column(Integer)
    packets: Mapped[int | None] = mapped_column(Integer)
    usage: Mapped[str | None] = mapped_column(Text)
    transcribed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    transcribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the paper itself shows, as the pharmacist read it: the writer signed again beside an
    # incompatible pair (十八反/十九畏); the institution's official seal (raw toxic herbs).
    writer_countersigned: Mapped[bool] = mapped_column(Boolean, default=False)
    official_seal: Mapped[bool] = mapped_column(Boolean, default=False)
    # Frozen when the transcription is saved: the patient facts the safety check used.
    patient_age: Mapped[int | None] = mapped_column(Integer)
    patient_pregnant: Mapped[bool | None] = mapped_column(Boolean)
    findings: Mapped[list | None] = mapped_column(JSON)
    # A finding that needs 双签 in-house needs a second pharmacist here.
    second_pharmacist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    second_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    second_note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    # The review clock: it runs while the submission waits for a pharmacist, not while a
    # question waits for the patient.
    clock_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_seconds: Mapped[int] = mapped_column(Integer, default=0)
    # An approved record is ordered once, before the paper's validity ends.
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_reference: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    patient = relationship("Patient")
    pages: Mapped[list["ExternalPage"]] = relationship(
        order_by="ExternalPage.number", back_populates="submission"
    )
    lines: Mapped[list["ExternalLine"]] = relationship(
        order_by="ExternalLine.position", back_populates="submission", cascade="all, delete-orphan"
    )
    messages: Mapped[list["ExternalMessage"]] = relationship(
        order_by="ExternalMessage.id", back_populates="submission"
    )
    transcribed_by = relationship("User", foreign_keys=[transcribed_by_id])
    second_pharmacist = relationship("User", foreign_keys=[second_pharmacist_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def reviewed_at(self) -> datetime | None:
        """When the pharmacist approved it (what an order's trace page shows), ordered or not."""
        return self.decided_at if self.status in ("approved", "used") else None


class ExternalPage(db.Model):
    """One photo (or PDF) of the paper, metadata stripped, kept as received."""

    __tablename__ = "external_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("external_submissions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(32))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # the same photo twice: refused
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission = relationship("ExternalSubmission", back_populates="pages")


class ExternalLine(db.Model):
    """One transcribed line: the catalogue herb, the name as written on the paper, grams per
    packet and the special method. Replaced while the review is open, frozen once approved."""

    __tablename__ = "external_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("external_submissions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    herb_id: Mapped[int] = mapped_column(ForeignKey("herbs.id"))
    written_name: Mapped[str] = mapped_column(String(32))
    dose_g: Mapped[float] = mapped_column(Float)
    method: Mapped[str | None] = mapped_column(String(8))

    submission = relationship("ExternalSubmission", back_populates="lines")
    herb = relationship("HerbRecord")


class ExternalMessage(db.Model):
    """The question thread between the pharmacists and the patient. Append-only."""

    __tablename__ = "external_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("external_submissions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)  # "" when the patient said it in a voice note
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The patient's answer spoken instead of typed (语音留言, migration 0026): stored file, type.
    audio_key: Mapped[str | None] = mapped_column(String(64))
    audio_mime: Mapped[str | None] = mapped_column(String(32))

    submission = relationship("ExternalSubmission", back_populates="messages")
    author = relationship("User")
