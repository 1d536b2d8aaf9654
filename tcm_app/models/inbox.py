"""One inbox per user (消息): every domain posts here (prescription reviewed, order paid, shipped,
delivered, reminders); messages are never deleted, only marked read."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow


class InboxMessage(db.Model):
    """A message to one user. `patient_id` says whom it is about (a guardian reads the messages
    about their ward); `link` is a path on this site to the thing it is about."""

    __tablename__ = "inbox_messages"
    __table_args__ = (Index("ix_inbox_messages_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(255))
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    delivery: Mapped[dict] = mapped_column(JSON, default=dict)  # sender name → reference or error
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    patient = relationship("Patient")

    @property
    def unread(self) -> bool:
        return self.read_at is None
