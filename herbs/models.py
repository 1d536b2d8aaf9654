"""Herb catalogue, formula templates and prescriptions (处方) with their review and signatures."""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tcm_app.common.retention import MEDICAL_RECORD, RETENTION_YEARS
from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow

# Part of the medical record (互联网诊疗监管细则: ≥15 years; the rule table: common/retention.py)
PRESCRIPTION_RETENTION_YEARS = RETENTION_YEARS[MEDICAL_RECORD]


class HerbRecord(db.Model):
    """One decoction piece (饮片) as imported from herbs/data/herbs/*.yaml; stock is live."""

    __tablename__ = "herbs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(32), index=True)
    pinyin: Mapped[str] = mapped_column(String(120))
    initials: Mapped[str] = mapped_column(String(20))
    latin: Mapped[str] = mapped_column(String(160))
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    base_id: Mapped[int | None] = mapped_column(ForeignKey("herbs.id"))
    processing: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(32))
    subcategory: Mapped[str | None] = mapped_column(String(32))
    nature: Mapped[str | None] = mapped_column(String(8))
    flavours: Mapped[list] = mapped_column(JSON, default=list)
    meridians: Mapped[list] = mapped_column(JSON, default=list)
    dose_min_g: Mapped[float | None] = mapped_column(Float)
    dose_max_g: Mapped[float | None] = mapped_column(Float)
    dose_note: Mapped[str | None] = mapped_column(Text)
    toxicity: Mapped[str | None] = mapped_column(String(8))
    toxic_28: Mapped[bool] = mapped_column(Boolean, default=False)
    pregnancy: Mapped[str | None] = mapped_column(String(8))
    method: Mapped[str | None] = mapped_column(String(8))
    # Money as integers: thousandths of a yuan per gram (0.12 元/g = 120).
    price_milliyuan_per_g: Mapped[int] = mapped_column(Integer, default=0)
    stock_g: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(200))
    edition: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    base = relationship("HerbRecord", remote_side=[id])


class FormulaKind(StrEnum):
    CLASSICAL = "classical"  # 古代经典名方
    AGREED = "agreed"  # 协定方


class FormulaTemplate(db.Model):
    """A formula that pre-fills the prescribing editor; it is never a prescription by itself."""

    __tablename__ = "formula_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    number: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40), index=True)
    pinyin: Mapped[str] = mapped_column(String(160), default="")
    book: Mapped[str | None] = mapped_column(String(60))
    dynasty: Mapped[str | None] = mapped_column(String(16))
    author: Mapped[str | None] = mapped_column(String(40))
    form: Mapped[str | None] = mapped_column(String(16))
    preparation: Mapped[str | None] = mapped_column(Text)
    usage: Mapped[str | None] = mapped_column(Text)
    indication: Mapped[str | None] = mapped_column(Text)
    based_on: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    lines: Mapped[list["FormulaTemplateLine"]] = relationship(
        order_by="FormulaTemplateLine.position", cascade="all, delete-orphan"
    )

    @property
    def herb_lines(self) -> list["FormulaTemplateLine"]:
        return [line for line in self.lines if not line.is_adjuvant]

    @property
    def adjuvant_lines(self) -> list["FormulaTemplateLine"]:
        return [line for line in self.lines if line.is_adjuvant]


class FormulaTemplateLine(db.Model):
    __tablename__ = "formula_template_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("formula_templates.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    herb_name: Mapped[str] = mapped_column(String(32))
    herb_id: Mapped[int | None] = mapped_column(ForeignKey("herbs.id"))
    original: Mapped[str | None] = mapped_column(String(80))
    dose_g: Mapped[float | None] = mapped_column(Float)
    method: Mapped[str | None] = mapped_column(String(8))

    herb = relationship("HerbRecord")

    @property
    def is_adjuvant(self) -> bool:
        """A line of the formula that is not a catalogue herb (白酒 in 瓜蒌薤白半夏汤): the
        importer resolves every herb line to a herb row, so a line without one is an adjuvant."""
        return self.herb_id is None


class PrescriptionStatus(StrEnum):
    DRAFT = "draft"  # the doctor is writing it
    PENDING_REVIEW = "pending_review"  # signed, frozen, waiting for the pharmacist (待审方)
    APPROVED = "approved"  # reviewed and valid until valid_until
    REJECTED = "rejected"  # returned to the doctor, who signs a new version
    USED = "used"  # backed exactly one order
    EXPIRED = "expired"  # approved but never used in time
    VOID = "void"  # withdrawn by the doctor before review


class Prescription(db.Model):
    """A herbal prescription (中药饮片处方) of one encounter. Never deleted; frozen once signed."""

    __tablename__ = "prescriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("prescriptions.id"))
    status: Mapped[str] = mapped_column(String(16), default=PrescriptionStatus.DRAFT, index=True)
    packets: Mapped[int] = mapped_column(Integer, default=7)
    usage: Mapped[str] = mapped_column(Text, default="")
    template_id: Mapped[int | None] = mapped_column(ForeignKey("formula_templates.id"))

    # Frozen at signing: what the pharmacist reviews and the PDF prints.
    diagnosis_text: Mapped[str | None] = mapped_column(Text)
    patient_age: Mapped[int | None] = mapped_column(Integer)
    patient_pregnant: Mapped[bool | None] = mapped_column(Boolean)
    findings: Mapped[list | None] = mapped_column(JSON)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_reference: Mapped[str | None] = mapped_column(String(64))
    # The public verification page (QR code) finds the prescription by this, never by id.
    verify_token: Mapped[str] = mapped_column(String(32), unique=True)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    encounter = relationship("Encounter")
    patient = relationship("Patient")
    doctor = relationship("User", foreign_keys=[doctor_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    previous = relationship("Prescription", remote_side=[id])
    # A draft's lines are replaced on each save; once signed they never change (content hash).
    lines: Mapped[list["PrescriptionLine"]] = relationship(
        order_by="PrescriptionLine.position",
        back_populates="prescription",
        cascade="all, delete-orphan",
    )
    acknowledgements: Mapped[list["FindingAcknowledgement"]] = relationship(
        order_by="FindingAcknowledgement.id", back_populates="prescription"
    )


class PrescriptionLine(db.Model):
    __tablename__ = "prescription_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    prescription_id: Mapped[int] = mapped_column(ForeignKey("prescriptions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    herb_id: Mapped[int] = mapped_column(ForeignKey("herbs.id"))
    written_name: Mapped[str] = mapped_column(String(32))
    dose_g: Mapped[float] = mapped_column(Float)
    method: Mapped[str | None] = mapped_column(String(8))

    prescription = relationship("Prescription", back_populates="lines")
    herb = relationship("HerbRecord")


class FindingAcknowledgement(db.Model):
    """The doctor's reason and second signature (双签) for one safety finding."""

    __tablename__ = "prescription_acknowledgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    prescription_id: Mapped[int] = mapped_column(ForeignKey("prescriptions.id"), index=True)
    finding_key: Mapped[str] = mapped_column(String(120))
    code: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    prescription = relationship("Prescription", back_populates="acknowledgements")
    signed_by = relationship("User")


class PrescriptionDocument(db.Model):
    """The rendered PDF (处方笺), cached per prescription state; re-rendered when it changes."""

    __tablename__ = "prescription_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    prescription_id: Mapped[int] = mapped_column(ForeignKey("prescriptions.id"), unique=True)
    state_key: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PrescriptionRenewal(db.Model):
    """A patient's request to renew a dispensed prescription (续方): it opened the follow-up
    `encounter_id`, tied to the earlier prescription; the doctor renews it (a new draft with the
    same lines, to review and sign anew, never automatic) or declines with a reason. Never
    deleted."""

    __tablename__ = "prescription_renewals"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("prescriptions.id"), index=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    update_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="requested", index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    new_prescription_id: Mapped[int | None] = mapped_column(ForeignKey("prescriptions.id"))
    # The update said in a voice note (语音留言, migration 0027): stored file and type; the
    # written update may then be empty.
    audio_key: Mapped[str | None] = mapped_column(String(64))
    audio_mime: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    source: Mapped[Prescription] = relationship(foreign_keys=[source_id])
    encounter = relationship("Encounter")
