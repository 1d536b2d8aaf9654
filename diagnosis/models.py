"""Tongue photos (舌象) taken for an encounter, their automatic analysis, and the doctor's confirmed
observation (望诊). Photos and observations are part of the medical record: kept ≥ 15 years and
never deleted (database triggers)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow


class TongueImageStatus(StrEnum):
    RECEIVED = "received"  # stored, analysis queued
    QUALITY_FAILED = "quality_failed"  # analysed; a new photo is needed
    ANALYSED = "analysed"  # waiting for the doctor
    CONFIRMED = "confirmed"  # the doctor recorded an observation


class TongueImageSource(StrEnum):
    CAMERA = "camera"  # the guided capture page
    GALLERY = "gallery"  # a photo chosen from the phone
    CONSULT = "consult"  # a still the doctor took from the video consult
    API = "api"


class TongueImage(db.Model):
    __tablename__ = "tongue_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(16))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=TongueImageStatus.RECEIVED)
    quality_passed: Mapped[bool | None] = mapped_column(Boolean)
    analysis: Mapped[dict | None] = mapped_column(JSON)
    algorithm_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    analysed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retain_until: Mapped[date] = mapped_column(Date)

    encounter = relationship("Encounter")
    observation: Mapped["TongueObservation | None"] = relationship(
        back_populates="image", uselist=False
    )


class TongueObservation(db.Model):
    """What the doctor saw and confirmed; the software's suggestion is kept beside it."""

    __tablename__ = "tongue_observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    tongue_image_id: Mapped[int] = mapped_column(ForeignKey("tongue_images.id"), unique=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), index=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    tongue_colour: Mapped[str] = mapped_column(String(16))
    coating_colour: Mapped[str] = mapped_column(String(16))
    coating_thickness: Mapped[str] = mapped_column(String(16))
    cracks: Mapped[bool] = mapped_column(Boolean)
    tooth_marks: Mapped[bool] = mapped_column(Boolean)
    outline: Mapped[list] = mapped_column(JSON)  # [[x, y], ...] in 0..1 of the photo
    outline_corrected: Mapped[bool] = mapped_column(Boolean)
    corrected_features: Mapped[list] = mapped_column(JSON)  # feature names the doctor changed
    note: Mapped[str] = mapped_column(Text, default="")
    algorithm_version: Mapped[str | None] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    image: Mapped[TongueImage] = relationship(back_populates="observation")
    doctor = relationship("User")
