"""Real-name patients (实名患者), their guardians and their delivery address book."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tcm_app.common.masking import mask_phone
from tcm_app.common.resident_id import mask_resident_id
from tcm_app.extensions import db
from tcm_app.models.types import EncryptedString, UTCDateTime, utcnow


class PregnancyStatus(StrEnum):
    UNKNOWN = "unknown"
    NOT_PREGNANT = "not_pregnant"
    PREGNANT = "pregnant"
    BREASTFEEDING = "breastfeeding"
    NOT_APPLICABLE = "not_applicable"  # men


class RenalFunction(StrEnum):
    """Kidney function as the treating doctor recorded it: herbs with aristolochic acid (马兜铃酸)
    are forbidden in kidney disease, and an unrecorded status makes the checker ask."""

    UNKNOWN = "renal_unknown"
    NORMAL = "renal_normal"
    IMPAIRED = "renal_impaired"  # kidney disease or impaired function (肾脏疾病/肾功能不全)


class GuardianRelation(StrEnum):
    PARENT = "parent"
    LEGAL_GUARDIAN = "legal_guardian"


class FamilyRelation(StrEnum):
    """How a family member who acts for an elder (代办) is related to them."""

    SPOUSE = "family_spouse"
    CHILD = "family_child"
    GRANDCHILD = "family_grandchild"
    SIBLING = "family_sibling"
    OTHER = "family_other"


class Patient(db.Model):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The patient's own login; a young child has none and is reached through the guardian.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    legal_name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(EncryptedString)
    id_number_digest: Mapped[str] = mapped_column(String(64), unique=True)
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(EncryptedString)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    guardian_relation: Mapped[str | None] = mapped_column(String(16))
    pregnancy_status: Mapped[str] = mapped_column(String(16), default=PregnancyStatus.UNKNOWN)
    pregnancy_updated_on: Mapped[date | None] = mapped_column(Date)
    renal_function: Mapped[str] = mapped_column(String(16), default=RenalFunction.UNKNOWN)
    renal_function_updated_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")
    guardian: Mapped["Patient | None"] = relationship(remote_side=[id], back_populates="wards")
    wards: Mapped[list["Patient"]] = relationship(back_populates="guardian")
    addresses: Mapped[list["Address"]] = relationship(
        back_populates="patient", order_by="Address.id"
    )

    @property
    def masked_id_number(self) -> str:
        return mask_resident_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone or "")


class Address(db.Model):
    """A delivery address (收货地址); the street detail and phone are personal data."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(EncryptedString)
    region: Mapped[str] = mapped_column(String(128))  # province / city / district
    detail: Mapped[str] = mapped_column(EncryptedString)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    patient: Mapped[Patient] = relationship(back_populates="addresses")


class FamilyProxy(db.Model):
    """An elder's consent that a family member's patient account acts for them (代办): while it
    is not revoked, access.own_patient_ids(family member) includes the elder. Never deleted: a
    revocation is dated, so who could act for whom, and when, stays on record."""

    __tablename__ = "family_proxies"
    __table_args__ = (
        # One live consent for a pair; a revoked one may be followed by a new one.
        Index(
            "uq_family_proxies_live_pair",
            "elder_id",
            "proxy_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    proxy_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    relation: Mapped[str] = mapped_column(String(24))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    elder: Mapped[Patient] = relationship(foreign_keys=[elder_id])
    proxy: Mapped[Patient] = relationship(foreign_keys=[proxy_id])
