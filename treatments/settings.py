"""The treatments domain's settings and beat entries (see tcm_app/common/settings.py)."""

from tcm_app.common.settings import ConfigError, Setting, require_whole_numbers
from treatments.home_visits import parse_area

SETTINGS = {
    # Patients cancel or move a booking up to this many hours before it starts (staff always
    # can, with a reason); bookings open this many days ahead.
    "TREATMENT_CANCEL_HOURS": Setting(12, int),
    "TREATMENT_BOOKING_DAYS": Setting(60, int),
    # Home visits (上门护理): the districts served, each with its one-way travel minutes from
    # the clinic ("朝阳区=30, 东城区=40"; empty: no home visits), and how many minutes past its
    # end a visit still not checked out raises the safety alert.
    "TREATMENT_HOME_AREA": Setting("朝阳区=30, 东城区=35, 海淀区=45"),
    "TREATMENT_HOME_OVERRUN_MINUTES": Setting(20, int),
}

BEAT = {
    "treatment-reminders": {"task": "treatments.send_booking_reminders", "schedule": 3600},
    "treatment-home-overruns": {"task": "treatments.alert_home_overruns", "schedule": 300},
}

LIMITS = {
    "TREATMENT_CANCEL_HOURS": (0, 72),
    "TREATMENT_BOOKING_DAYS": (1, 366),
    "TREATMENT_HOME_OVERRUN_MINUTES": (5, 240),
}


def validate(config) -> None:
    require_whole_numbers(config, LIMITS)
    try:
        parse_area(config.get("TREATMENT_HOME_AREA") or "")
    except ValueError as exc:
        raise ConfigError(f"TCM_TREATMENT_HOME_AREA: {exc}") from exc
