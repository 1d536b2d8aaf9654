"""In-person treatments (针灸, 推拿, 拔罐 …): the therapy catalogue, practitioners and their hours,
beds and rooms, bookings and courses (疗程), contraindication screenings, and the occupancy
cells that let the database itself refuse a double booking."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow


class Therapy(db.Model):
    """A bookable treatment: its length, the bed or room it needs (and the equipment that room
    must have), the qualification its practitioner needs, its price and its contraindications
    ({question code: "block" | "flag"})."""

    __tablename__ = "therapies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    minutes: Mapped[int] = mapped_column(Integer)
    resource_kind: Mapped[str] = mapped_column(String(16))  # bed | room
    equipment: Mapped[list] = mapped_column(JSON, default=list)
    qualification: Mapped[str] = mapped_column(String(32))
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    contraindications: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Home visits (上门护理): offered at the patient's home, for this long, at this extra fee.
    home_available: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    home_minutes: Mapped[int | None] = mapped_column(Integer)
    home_fee: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))


class TreatmentResource(db.Model):
    """A treatment bed or room; `capacity` patients at once, each on a numbered seat."""

    __tablename__ = "treatment_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # bed | room
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    equipment: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Practitioner(db.Model):
    """A staff member who treats in person (a doctor, or a therapist with a clinic account)."""

    __tablename__ = "practitioners"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    qualifications: Mapped[list] = mapped_column(JSON, default=list)
    # The secret in the practitioner's iCalendar feed address (calendar apps cannot log in).
    calendar_token: Mapped[str] = mapped_column(String(48), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    user = relationship("User")


class WorkingHours(db.Model):
    """Weekly template rows; `practitioner_id` None = the clinic's opening hours."""

    __tablename__ = "treatment_working_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.user_id"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)


class ScheduleException(db.Model):
    """A day that differs from the template: leave, a clinic holiday (practitioner None) or other
    hours. Closed days have no times; other days replace the template's hours for that day."""

    __tablename__ = "treatment_schedule_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.user_id"), index=True
    )
    day: Mapped[date] = mapped_column(Date, index=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=True)
    starts: Mapped[time | None] = mapped_column(Time)
    ends: Mapped[time | None] = mapped_column(Time)
    reason: Mapped[str] = mapped_column(String(16))  # leave | holiday | training | other
    note: Mapped[str] = mapped_column(Text, default="")


class CourseRecommendation(db.Model):
    """A doctor's course (疗程) advice attached to an encounter, which the patient books."""

    __tablename__ = "treatment_course_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), index=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    therapy_id: Mapped[int] = mapped_column(ForeignKey("therapies.id"))
    sessions: Mapped[int] = mapped_column(Integer)
    every_days: Mapped[int] = mapped_column(Integer)
    course_length: Mapped[int] = mapped_column(Integer, default=0)  # 0: one course
    rest_days: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    encounter = relationship("Encounter")
    doctor = relationship("User")
    therapy: Mapped[Therapy] = relationship()
    courses: Mapped[list["TreatmentCourse"]] = relationship(back_populates="recommendation")


class TreatmentCourse(db.Model):
    """A booked series: all its sessions were booked together or none was."""

    __tablename__ = "treatment_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    therapy_id: Mapped[int] = mapped_column(ForeignKey("therapies.id"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.user_id"))
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatment_course_recommendations.id"), index=True
    )
    sessions: Mapped[int] = mapped_column(Integer)
    every_days: Mapped[int] = mapped_column(Integer)
    course_length: Mapped[int] = mapped_column(Integer, default=0)
    rest_days: Mapped[int] = mapped_column(Integer, default=0)
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation: Mapped[CourseRecommendation | None] = relationship(back_populates="courses")
    bookings: Mapped[list["Booking"]] = relationship(
        back_populates="course", order_by="Booking.starts_at"
    )


class Booking(db.Model):
    """One treatment appointment. Never deleted; it moves booked → checked_in → completed, or to
    cancelled / no_show, by guarded updates (version column). A home visit (place "home") has
    no bed or room but an address, and its practitioner's cells also cover `travel_minutes`
    before and after it."""

    __tablename__ = "treatment_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    therapy_id: Mapped[int] = mapped_column(ForeignKey("therapies.id"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.user_id"), index=True)
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatment_resources.id"), index=True
    )
    place: Mapped[str] = mapped_column(String(8), default="clinic", server_default="clinic")
    address_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"))
    travel_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The home questions (someone else present, space for a bed, pets): code → bool.
    home_answers: Mapped[dict | None] = mapped_column(JSON)
    seat: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="booked", index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("treatment_courses.id"), index=True)
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    screening_outcome: Mapped[str] = mapped_column(String(8), default="clear")  # clear|flag
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overrun_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What the practitioner did (completion record): points or regions, minutes, reaction.
    points: Mapped[str | None] = mapped_column(Text)
    minutes_done: Mapped[int | None] = mapped_column(Integer)
    reaction: Mapped[str | None] = mapped_column(Text)
    record_note: Mapped[str | None] = mapped_column(Text)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    patient = relationship("Patient")
    therapy: Mapped[Therapy] = relationship()
    practitioner: Mapped[Practitioner] = relationship()
    resource: Mapped[TreatmentResource | None] = relationship()
    address = relationship("Address")
    course: Mapped[TreatmentCourse | None] = relationship(back_populates="bookings")
    screenings: Mapped[list["BookingScreening"]] = relationship(
        order_by="BookingScreening.id", viewonly=True
    )

    @property
    def at_home(self) -> bool:
        return self.place == "home"


class BookingCell(db.Model):
    """One 5-minute tick held by a live booking, per holder (the practitioner, one seat of a bed
    or room, the patient). The unique constraint is the double-booking guarantee: two bookings
    can never hold the same tick of the same holder, however many requests race."""

    __tablename__ = "treatment_booking_cells"
    __table_args__ = (UniqueConstraint("holder", "tick"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("treatment_bookings.id"), index=True)
    holder: Mapped[str] = mapped_column(String(32))
    tick: Mapped[int] = mapped_column(Integer)


class BookingScreening(db.Model):
    """A completed contraindication checklist, at booking or at check-in. Append-only."""

    __tablename__ = "treatment_booking_screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("treatment_bookings.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))  # booking | check_in
    answers: Mapped[dict] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(8))  # clear | flag | block
    findings: Mapped[list] = mapped_column(JSON)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
