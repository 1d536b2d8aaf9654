"""The herbs domain's settings and beat entries (see tcm_app/common/settings.py)."""

from tcm_app.common.settings import ConfigError, Setting, require_whole_numbers

MAX_PRESCRIPTION_VALID_DAYS = 3

SETTINGS = {
    # An approved prescription's validity in days (S004 §1.2.2: usually 3; never more).
    "PRESCRIPTION_VALID_DAYS": Setting(3, int),
    # Repeat prescriptions (续方): asked within this many days of the earlier prescription; at
    # most this many renewals in a row before the patient is seen in person.
    "RENEWAL_WINDOW_DAYS": Setting(90, int),
    "RENEWAL_MAX_IN_A_ROW": Setting(3, int),
}

BEAT = {
    "expire-prescriptions": {"task": "herbs.expire_prescriptions", "schedule": 3600},
}


RENEWAL_LIMITS = {"RENEWAL_WINDOW_DAYS": (7, 365), "RENEWAL_MAX_IN_A_ROW": (1, 12)}


def validate(config) -> None:
    require_whole_numbers(config, RENEWAL_LIMITS)
    days = config.get("PRESCRIPTION_VALID_DAYS")
    if not isinstance(days, int) or not 1 <= days <= MAX_PRESCRIPTION_VALID_DAYS:
        raise ConfigError(
            f"TCM_PRESCRIPTION_VALID_DAYS must be 1 to {MAX_PRESCRIPTION_VALID_DAYS} "
            "(an approved prescription is valid three days at most)"
        )
