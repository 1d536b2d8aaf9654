"""Herb orders from approved prescriptions (代煎 or 饮片, delivered or picked up) and the record of
every stage they pass (全程留痕). An order's source is either the hospital's own prescription or
an approved outside prescription (外院处方, external_rx), never both. Orders are never deleted;
stage events are append-only."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from external_rx.models import ExternalSubmission
from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow

LIVE_STATUSES_EXCLUDED = ("expired", "cancelled")  # an order in these frees its source
LIVE = "status NOT IN ('expired', 'cancelled')"
ONE_SOURCE = (
    "(prescription_id IS NOT NULL AND external_submission_id IS NULL) OR "
    "(prescription_id IS NULL AND external_submission_id IS NOT NULL)"
)


class DecoctionOrder(db.Model):
    __tablename__ = "decoction_orders"
    # One live order per prescription (and per outside prescription), enforced by the database
    # as well as by consume(); an order that lapsed unpaid frees its source for a new one. Each
    # order has exactly one source.
    __table_args__ = (
        Index(
            "uq_decoction_orders_live_prescription",
            "prescription_id",
            unique=True,
            sqlite_where=text(LIVE),
            postgresql_where=text(LIVE),
        ),
        Index(
            "uq_decoction_orders_live_external_submission",
            "external_submission_id",
            unique=True,
            sqlite_where=text(LIVE),
            postgresql_where=text(LIVE),
        ),
        CheckConstraint(ONE_SOURCE, name="one_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prescription_id: Mapped[int | None] = mapped_column(ForeignKey("prescriptions.id"))
    external_submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("external_submissions.id")
    )
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    ordered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    preparation: Mapped[str] = mapped_column(String(16))  # decocted | raw
    handover: Mapped[str] = mapped_column(String(16))  # delivery | pickup
    address_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"))
    status: Mapped[str] = mapped_column(String(24), index=True)
    packets: Mapped[int] = mapped_column(Integer)
    plan: Mapped[dict | None] = mapped_column(JSON)  # decoction/plan.py, for 代煎 orders
    price_lines: Mapped[list] = mapped_column(JSON)
    total: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # unpaid orders lapse
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payment_reference: Mapped[str | None] = mapped_column(String(64))
    trace_token: Mapped[str] = mapped_column(String(32), unique=True)  # the public QR page
    # Facts the next stages check, kept as the stages pass.
    dispensed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    soak_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decoct_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_from: Mapped[str | None] = mapped_column(String(24))
    courier: Mapped[str | None] = mapped_column(String(40))
    tracking_number: Mapped[str | None] = mapped_column(String(40))
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    prescription = relationship("Prescription")
    external_submission: Mapped[ExternalSubmission | None] = relationship(ExternalSubmission)
    address = relationship("Address")
    events: Mapped[list["OrderEvent"]] = relationship(
        back_populates="order", order_by="OrderEvent.id"
    )
    notifications: Mapped[list["OrderNotification"]] = relationship(
        order_by="OrderNotification.id.desc()", viewonly=True
    )

    @property
    def is_external(self) -> bool:
        """Ordered from an approved outside prescription (外院处方), not the hospital's own."""
        return self.external_submission_id is not None

    @property
    def source(self):
        """What the order prepares: the Prescription or the ExternalSubmission. Both carry
        lines (herb, dose_g, method), packets, usage, patient, patient_age and valid_until."""
        return self.external_submission if self.is_external else self.prescription


class OrderEvent(db.Model):
    """One applied stage move: who, when, from and to, and what was recorded. A move carries the
    key of the form or request that made it, so a retry finds its first result."""

    __tablename__ = "decoction_order_events"
    __table_args__ = (UniqueConstraint("order_id", "move_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("decoction_orders.id"), index=True)
    move: Mapped[str] = mapped_column(String(24))
    move_key: Mapped[str] = mapped_column(String(64))
    from_status: Mapped[str] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(String(16))
    record: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[DecoctionOrder] = relationship(back_populates="events")


class OrderNotification(db.Model):
    """A message to the patient about an order (in-app, and through the configured senders):
    shipped, delivered, a daily medicine reminder while bags last, a revisit reminder."""

    __tablename__ = "decoction_order_notifications"
    __table_args__ = (UniqueConstraint("order_id", "kind", "day"),)  # sent once a day at most

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("decoction_orders.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    day: Mapped[date] = mapped_column(Date)
    message: Mapped[str] = mapped_column(Text)
    delivery: Mapped[dict] = mapped_column(JSON)  # sender name → reference or error
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
