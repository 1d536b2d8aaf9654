"""The treatments domain's settings and beat entries (see tcm_app/common/settings.py)."""

from tcm_app.common.settings import Setting, require_whole_numbers

SETTINGS = {
    # Patients cancel or move a booking up to this many hours before it starts (staff always
    # can, with a reason); bookings open this many days ahead.
    "TREATMENT_CANCEL_HOURS": Setting(12, int),
    "TREATMENT_BOOKING_DAYS": Setting(60, int),
}

BEAT = {
    "treatment-reminders": {"task": "treatments.send_booking_reminders", "schedule": 3600},
}

LIMITS = {
    "TREATMENT_CANCEL_HOURS": (0, 72),
    "TREATMENT_BOOKING_DAYS": (1, 366),
}


def validate(config) -> None:
    require_whole_numbers(config, LIMITS)
