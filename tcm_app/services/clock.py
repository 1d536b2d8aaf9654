"""The clinic clock: the one place code reads "now" and "today".

"Today" is the clinic's day in its time zone (`BABEL_DEFAULT_TIMEZONE`, Asia/Shanghai by default),
never the server's: a server on UTC would otherwise start the clinic's day at 08:00. Tests freeze
time with time-machine, which these functions follow because they read `datetime.now`."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def utc_now() -> datetime:
    """Now as an aware UTC datetime (for `*_at` columns)."""
    return datetime.now(UTC)


def clinic_now() -> datetime:
    """Now as an aware datetime in the clinic's time zone (for what people read and plan by)."""
    return datetime.now(clinic_zone())


def clinic_today() -> date:
    """The clinic's date now."""
    return clinic_now().date()


def to_clinic(value: datetime) -> datetime:
    """An aware datetime shown in the clinic's time zone."""
    return value.astimezone(clinic_zone())
