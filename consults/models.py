"""Online consult sessions and bookings, and the process records of each video consult (全程留痕):
call state, events and chat. Process records are kept at least 3 years and never deleted here."""

from datetime import date, datetime, time
from typing import ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    and_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consults import phone_rules
from tcm_app.common.retention import PROCESS_RECORD, RETENTION_YEARS
from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow

# 《互联网诊疗监管细则》: chat, audio and video ≥ 3 years (the rule table: common/retention.py)
PROCESS_RECORD_RETENTION_YEARS = RETENTION_YEARS[PROCESS_RECORD]


class ConsultSession(db.Model):
    """A weekly online consult session of a doctor: e.g. Tuesday 09:00-12:00 in 15-minute slots."""

    __tablename__ = "consult_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=15)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ConsultException(db.Model):
    """One day that differs from the weekly sessions: closed, or replacement hours."""

    __tablename__ = "consult_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean, default=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    slot_minutes: Mapped[int | None] = mapped_column(Integer)


class ConsultBooking(db.Model):
    """A booked slot. The database refuses a second active booking of the same doctor and start."""

    __tablename__ = "consult_bookings"
    __table_args__ = (
        Index(
            "uq_consult_bookings_active_slot",
            "doctor_id",
            "starts_at",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="booked")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    encounter = relationship("Encounter", backref=db.backref("booking", uselist=False))


class ConsultCall(db.Model):
    """The video consult of one encounter: waiting room, start, end and who ended it."""

    __tablename__ = "consult_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), unique=True)
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    connected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recording_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    encounter = relationship("Encounter", backref=db.backref("call", uselist=False))
    ended_by = relationship("User")


class ConsultEvent(db.Model):
    """One process event (joined, connected with candidate type, an outage and its length, a
    reconnect and its cause, ended ...). `occurred_at` is when it happened: for what a page reports,
    the page's time moved onto the server's clock when plausible; `received_at` is when the server
    got it (after an outage, much later); `browser_at` the page's clock reading as sent."""

    __tablename__ = "consult_events"
    __table_args__ = (
        Index("uq_consult_events_page_seq", "encounter_id", "page_id", "page_seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    browser_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A page numbers what it reports and sends it again until acknowledged: stored once.
    page_id: Mapped[str | None] = mapped_column(String(64))
    page_seq: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User")
    # `encounter.phone_events`: the visit's phone consult (电话问诊) in order, read-only. A list of
    # visits and the visit page read it with their rows (setup.py: a visit row load), one query
    # for them all; the services that write an event read the events afresh.
    phone_encounter = relationship(
        "Encounter",
        primaryjoin=lambda: _phone_events_of_visit(),
        viewonly=True,
        backref=db.backref(
            "phone_events",
            viewonly=True,
            order_by=lambda: (ConsultEvent.occurred_at, ConsultEvent.id),
        ),
    )


def _phone_events_of_visit():
    from tcm_app.models.encounters import Encounter

    return and_(
        ConsultEvent.encounter_id == Encounter.id, ConsultEvent.name.in_(phone_rules.EVENTS)
    )


class ChatMessage(db.Model):
    """A message of the consult chat or of a text consult (图文问诊): text, an image or a voice
    note, with sender and time."""

    __tablename__ = "consult_chat_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text, default="")
    image_key: Mapped[str | None] = mapped_column(String(64))
    image_mime: Mapped[str | None] = mapped_column(String(32))
    # A voice note of a text consult (语音留言), kept as recorded.
    audio_key: Mapped[str | None] = mapped_column(String(64))
    audio_mime: Mapped[str | None] = mapped_column(String(32))

    sender = relationship("User")


class ConsultRecording(db.Model):
    """A recording of the call, only when the hospital enables it and the patient consented.
    Kept with the encounter under the process-record retention; never deleted here."""

    __tablename__ = "consult_recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    mime: Mapped[str] = mapped_column(String(32), default="video/webm")
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)


class TextConsult(db.Model):
    """A follow-up visit held by messages (图文问诊): the thread's clock. The messages are the
    encounter's chat messages (never deleted). The doctor's first answer is due by
    `reply_due_at`; unanswered by then the thread closes and the visit fee is refunded; it also
    closes after a quiet period or when the doctor closes it."""

    __tablename__ = "consult_text_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), unique=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reply_due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    first_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_reason: Mapped[str | None] = mapped_column(String(16))  # doctor | quiet | unanswered
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    encounter = relationship("Encounter")
