"""The home-visit safety alert (Celery beat, every five minutes): a visit checked in at the door
and not checked out well past its end may mean the practitioner needs help. The practitioner and
the clinic staff are told through the inbox, once per visit however often the task runs or how
many workers run it (a guarded mark, as the reminders)."""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.services import inbox, transitions
from treatments.booking_rules import BookingStatus
from treatments.home_visits import district_of, overrun_due
from treatments.models import Booking
from treatments.services import availability

ALERT = _l(
    "Safety check: the home visit of %(practitioner)s at %(district)s (booked %(start)s–%(end)s) "
    "has not been checked out. Call the practitioner."
)
WATCHED = (BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)


def candidates(now: datetime) -> list[Booking]:
    """Home visits in progress (checked in, not out, not alerted) that started in the last day."""
    query = select(Booking).where(
        Booking.place == "home",
        Booking.status.in_(WATCHED),
        Booking.checked_in_at.is_not(None),
        Booking.checked_out_at.is_(None),
        Booking.overrun_alerted_at.is_(None),
        Booking.starts_at > now - timedelta(days=1),
        Booking.starts_at <= now,
    )
    return list(db.session.scalars(query.order_by(Booking.starts_at)))


def alert_overruns(now: datetime) -> int:
    """Alert each overrun visit once; returns how many were claimed here. Flushes."""
    margin = current_app.config["TREATMENT_HOME_OVERRUN_MINUTES"]
    sent = 0
    for booking in candidates(now):
        minutes = booking.therapy.home_minutes or booking.therapy.minutes
        if not overrun_due(booking.ends_at, booking.checked_in_at, minutes, now, margin):
            continue
        if not _claim(booking, now):
            continue
        sent += 1
        _tell(booking)
    db.session.flush()
    return sent


def _claim(booking: Booking, now: datetime) -> bool:
    return transitions.move_row(
        Booking,
        booking.id,
        expected=booking.status,
        where=[Booking.overrun_alerted_at.is_(None), Booking.checked_out_at.is_(None)],
        values={"overrun_alerted_at": now},
        bump_version=False,
    )


def _tell(booking: Booking) -> None:
    """The practitioner and every active clinic staff member, each once, in their language."""
    params = {
        "practitioner": booking.practitioner.user.full_name,
        "district": district_of(booking.address.region) if booking.address else "",
        "start": availability.to_local(booking.starts_at).strftime("%H:%M"),
        "end": availability.to_local(booking.ends_at).strftime("%H:%M"),
    }
    staff = db.session.scalars(
        select(User).where(User.role == Role.CLINIC, User.active.is_(True)).order_by(User.id)
    )
    readers = {booking.practitioner.user.id: booking.practitioner.user}
    readers.update((user.id, user) for user in staff)
    for user in readers.values():
        inbox.post(
            user,
            "treatment.home_overrun",
            inbox.text_for(user, ALERT, **params),
            link=inbox.path_for("treatments.booking_view", booking_id=booking.id),
            subject=("booking", booking.id),
        )
