"""The herbs domain's settings and beat entries (see tcm_app/common/settings.py)."""

from tcm_app.common.settings import ConfigError, Setting

MAX_PRESCRIPTION_VALID_DAYS = 3

SETTINGS = {
    # An approved prescription's validity in days (S004 §1.2.2: usually 3; never more).
    "PRESCRIPTION_VALID_DAYS": Setting(3, int),
}

BEAT = {
    "expire-prescriptions": {"task": "herbs.expire_prescriptions", "schedule": 3600},
}


def validate(config) -> None:
    days = config.get("PRESCRIPTION_VALID_DAYS")
    if not isinstance(days, int) or not 1 <= days <= MAX_PRESCRIPTION_VALID_DAYS:
        raise ConfigError(
            f"TCM_PRESCRIPTION_VALID_DAYS must be 1 to {MAX_PRESCRIPTION_VALID_DAYS} "
            "(an approved prescription is valid three days at most)"
        )
