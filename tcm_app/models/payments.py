"""Payments through a provider (the counter, the sandbox, later a real gateway) for what a patient
buys: herb orders and online visit fees. Payments are never deleted; a refund is a status."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow


class PaymentStatus(StrEnum):
    CREATED = "created"  # sent to the provider, not yet answered
    PAID = "paid"
    CANCELLED = "cancelled"  # the patient gave up at the provider; nothing was taken
    REFUNDED = "refunded"


PAID_ONLY = "status = 'paid'"


class Payment(db.Model):
    __tablename__ = "payments"
    # One standing payment per thing paid for, whatever the retries or the open tabs.
    __table_args__ = (
        Index(
            "uq_payments_paid_subject",
            "purpose",
            "subject_id",
            unique=True,
            sqlite_where=text(PAID_ONLY),
            postgresql_where=text(PAID_ONLY),
        ),
        Index("ix_payments_subject", "purpose", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))  # order | visit
    subject_id: Mapped[int] = mapped_column(Integer)  # the order's or the visit's id
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    provider: Mapped[str] = mapped_column(String(24))
    reference: Mapped[str] = mapped_column(String(48), unique=True)  # ours, sent to the provider
    provider_reference: Mapped[str | None] = mapped_column(String(64))  # the provider's
    status: Mapped[str] = mapped_column(String(16), default=PaymentStatus.CREATED, index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refund_reference: Mapped[str | None] = mapped_column(String(64))
    refund_reason: Mapped[str | None] = mapped_column(String(200))
