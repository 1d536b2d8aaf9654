"""Outside prescriptions (拍方抓药): a patient's photographed prescription written at another
institution, its page photos (each image's hash unique: a photo is dispensed once), and where it
stands. Kept for the records' term; never deleted (migration 0021)."""

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow


class ExternalSubmission(db.Model):
    """draft (the patient adds pages) → waiting (for a pharmacist) → … (issue 20's review)."""

    __tablename__ = "external_submissions"

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
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    patient = relationship("Patient")
    pages: Mapped[list["ExternalPage"]] = relationship(
        order_by="ExternalPage.number", back_populates="submission"
    )


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
