"""Encounters (visits), their TCM diagnoses and the prior-diagnosis documents behind them."""

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tcm_app.common.online_care import Eligibility, EncounterStatus
from tcm_app.common.retention import MEDICAL_RECORD, RETENTION_YEARS
from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow

# 《互联网诊疗监管细则》: records kept at least 15 years (the rule table: common/retention.py)
MEDICAL_RECORD_RETENTION_YEARS = RETENTION_YEARS[MEDICAL_RECORD]


class Encounter(db.Model):
    __tablename__ = "encounters"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=EncounterStatus.REQUESTED, index=True)
    chief_complaint: Mapped[str] = mapped_column(Text, default="")
    # The patient's own words also said in a voice note (语音留言, migration 0026): file and type.
    complaint_audio_key: Mapped[str | None] = mapped_column(String(64))
    complaint_audio_mime: Mapped[str | None] = mapped_column(String(32))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scheduled_on: Mapped[date] = mapped_column(Date, index=True)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    guardian_present: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    eligibility: Mapped[str] = mapped_column(String(16), default=Eligibility.UNDECIDED)
    eligibility_reason: Mapped[str | None] = mapped_column(Text)
    eligibility_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    eligibility_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The four examinations (四诊): inspection 望, listening/smelling 闻, inquiry 问, palpation 切.
    inspection_note: Mapped[str] = mapped_column(Text, default="")
    listening_note: Mapped[str] = mapped_column(Text, default="")
    inquiry_note: Mapped[str] = mapped_column(Text, default="")
    palpation_note: Mapped[str] = mapped_column(Text, default="")

    termination_reason: Mapped[str | None] = mapped_column(String(32))
    termination_note: Mapped[str | None] = mapped_column(Text)
    terminated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    terminated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # An in-person visit booked after an online one was terminated points back to it.
    follows_encounter_id: Mapped[int | None] = mapped_column(ForeignKey("encounters.id"))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Guarded updates: a double click or a stale form cannot apply a state change twice.
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    patient = relationship("Patient", foreign_keys=[patient_id])
    guardian = relationship("Patient", foreign_keys=[guardian_id])
    doctor = relationship("User", foreign_keys=[doctor_id])
    department = relationship("Department")
    diagnoses: Mapped[list["EncounterDiagnosis"]] = relationship(
        back_populates="encounter", order_by="EncounterDiagnosis.id"
    )
    documents: Mapped[list["ClinicalDocument"]] = relationship(
        back_populates="encounter", order_by="ClinicalDocument.id"
    )

    @property
    def active_diagnoses(self) -> list["EncounterDiagnosis"]:
        return [d for d in self.diagnoses if d.retired_at is None]

    @property
    def active_documents(self) -> list["ClinicalDocument"]:
        return [d for d in self.documents if d.withdrawn_at is None]


class EncounterDiagnosis(db.Model):
    """A TCM diagnosis: disease (病) + syndrome (证), each with its GB/T 15657-2021 code if known.

    Never deleted: a correction retires the old row and adds a new one.
    """

    __tablename__ = "encounter_diagnoses"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), index=True)
    disease_name: Mapped[str] = mapped_column(String(64))
    disease_code: Mapped[str | None] = mapped_column(String(24))
    syndrome_name: Mapped[str] = mapped_column(String(64))
    syndrome_code: Mapped[str | None] = mapped_column(String(24))
    treatment_method: Mapped[str] = mapped_column(String(64), default="")  # 治法
    method_code: Mapped[str | None] = mapped_column(String(32))
    # The Western diagnosis (ICD-10 national clinical edition) runs in parallel: free text,
    # optional code; not checked against a table we do not ship.
    western_name: Mapped[str] = mapped_column(String(64), default="")
    western_code: Mapped[str | None] = mapped_column(String(16))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    encounter: Mapped[Encounter] = relationship(back_populates="diagnoses")


class ClinicalDocument(db.Model):
    """A record of a prior in-person diagnosis (门诊病历, 住院病历, 出院小结, 诊断证明)."""

    __tablename__ = "clinical_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    issued_on: Mapped[date | None] = mapped_column(Date)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retain_until: Mapped[date] = mapped_column(Date)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    encounter: Mapped[Encounter] = relationship(back_populates="documents")
