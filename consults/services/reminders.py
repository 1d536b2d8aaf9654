"""Reminders of a booked video consult (视频问诊): once, when it starts within the next day
(Celery beat, hourly), posted to the patient's inbox (or their guardian's) and sent through the
senders in CONSULT_REMINDER_SENDERS (log by default)."""

from datetime import datetime, timedelta

from sqlalchemy import exists, select

from consults.models import ConsultBooking
from tcm_app.extensions import db
from tcm_app.models.inbox import InboxMessage
from tcm_app.services import inbox
from tcm_app.services.clock import to_clinic

AHEAD = timedelta(hours=24)
KIND = "consult.reminder"
MESSAGE = "视频问诊提醒：您预约了{day} {time}与{doctor}医生的视频复诊，请提前5分钟进入候诊室。"


def due_booking_ids(now: datetime) -> list[int]:
    """Booked consults starting within the next day."""
    return list(
        db.session.scalars(
            select(ConsultBooking.id)
            .where(
                ConsultBooking.status == "booked",
                ConsultBooking.starts_at > now,
                ConsultBooking.starts_at <= now + AHEAD,
            )
            .order_by(ConsultBooking.starts_at)
        )
    )


def _reminded(booking_id: int) -> bool:
    return db.session.execute(
        select(
            exists().where(
                InboxMessage.kind == KIND,
                InboxMessage.subject_type == "consult_booking",
                InboxMessage.subject_id == booking_id,
            )
        )
    ).scalar_one()


def send_due_reminders(now: datetime) -> int:
    """Remind each due consult once: the booking row is locked while its reminder is checked
    and posted, so a second run or worker waits and then finds it reminded. Flushes."""
    sent = 0
    for booking_id in due_booking_ids(now):
        booking = db.session.scalar(
            select(ConsultBooking)
            .where(ConsultBooking.id == booking_id, ConsultBooking.status == "booked")
            .with_for_update()
        )
        if booking is None or _reminded(booking.id):
            continue
        starts = to_clinic(booking.starts_at)
        text = MESSAGE.format(
            day=starts.strftime("%Y-%m-%d"),
            time=starts.strftime("%H:%M"),
            doctor=booking.encounter.doctor.full_name,
        )
        posted = inbox.post_about(
            booking.encounter.patient,
            KIND,
            text,
            link=inbox.path_for("consults.call_page", encounter_id=booking.encounter_id),
            subject=("consult_booking", booking.id),
            senders_setting="CONSULT_REMINDER_SENDERS",
        )
        sent += posted is not None
    return sent
