"""Reminders the day before a treatment booking (Celery beat, hourly, from 09:00 clinic time):
each booked session starting tomorrow (clinic date) is reminded once, however often the task
runs or how many workers run it, posted to the patient's inbox (or their guardian's) and sent
through the senders in TREATMENT_REMINDER_SENDERS (log by default)."""

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from tcm_app.extensions import db
from tcm_app.services import inbox, transitions
from tcm_app.services.urls import public_url
from treatments.booking_rules import BookingStatus
from treatments.models import Booking
from treatments.services import availability, calendar

# No messages at night: the hourly run reminds tomorrow's bookings from this clinic time on.
SEND_FROM = time(9)
MESSAGE = (
    "治疗预约提醒：您预约了{day} {time}的{therapy}（{practitioner}，{place}）。"
    "请提前10分钟到达；请勿空腹或过度疲劳时前来；请带上您正在服用的药物清单。"
    "如需取消，请在开始前{hours}小时以前在“我的预约”中取消：{link}；之后请致电诊所。"
)


def due_booking_ids(now: datetime) -> list[int]:
    """Booked sessions starting tomorrow (clinic date) not reminded yet."""
    tomorrow = availability.to_local(now).date() + timedelta(days=1)
    start = availability.to_utc(datetime.combine(tomorrow, time()))
    end = availability.to_utc(datetime.combine(tomorrow + timedelta(days=1), time()))
    return list(
        db.session.scalars(
            select(Booking.id)
            .where(
                Booking.status == BookingStatus.BOOKED,
                Booking.reminder_sent_at.is_(None),
                Booking.starts_at >= start,
                Booking.starts_at < end,
            )
            .order_by(Booking.starts_at)
        )
    )


def claim(booking_id: int, now: datetime) -> bool:
    """Mark the booking reminded with a guarded UPDATE: only one run or worker wins it (on
    PostgreSQL a second worker waits on the row and then finds it already marked)."""
    return transitions.move_row(
        Booking,
        booking_id,
        expected=BookingStatus.BOOKED,
        where=[Booking.reminder_sent_at.is_(None)],
        values={"reminder_sent_at": now},
        bump_version=False,
    )


# A home visit: the practitioner comes to the patient, who needs another adult at home.
HOME_MESSAGE = (
    "上门护理提醒：{practitioner}将于{day} {time}到您的地址（{place}）为您做{therapy}。"
    "请确保届时家中有其他成年人在场，并留出放置治疗床的空间；请勿空腹或过度疲劳。"
    "如需取消，请在开始前{hours}小时以前在“我的预约”中取消：{link}；之后请致电诊所。"
)


def message_for(booking: Booking) -> str:
    starts = availability.to_local(booking.starts_at)
    return (HOME_MESSAGE if booking.at_home else MESSAGE).format(
        day=starts.strftime("%Y-%m-%d"),
        time=starts.strftime("%H:%M"),
        therapy=booking.therapy.name,
        practitioner=booking.practitioner.user.full_name,
        place=calendar.place_of(booking),
        hours=current_app.config["TREATMENT_CANCEL_HOURS"],
        link=public_url("treatments.booking_view", booking_id=booking.id),
    )


def send_due_reminders(now: datetime) -> int:
    """Remind every booking due; returns how many were claimed here. Flushes (the task
    commits). A failing gateway is logged and does not stop the others."""
    if availability.to_local(now).time() < SEND_FROM:
        return 0
    sent = 0
    for booking_id in due_booking_ids(now):
        if not claim(booking_id, now):
            continue
        booking = db.session.get_one(Booking, booking_id)
        db.session.refresh(booking)
        sent += 1
        inbox.post_about(
            booking.patient,
            "treatment.reminder",
            message_for(booking),
            link=inbox.path_for("treatments.booking_view", booking_id=booking.id),
            subject=("booking", booking.id),
            senders_setting="TREATMENT_REMINDER_SENDERS",
        )
    db.session.flush()
    return sent
