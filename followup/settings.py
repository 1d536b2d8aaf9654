"""The follow-up domain's settings and beat entries (see tcm_app/common/settings.py)."""

from tcm_app.common.settings import Setting, require_whole_numbers

SETTINGS = {
    # Days after a task falls due before it counts as overdue on the doctor's list.
    "FOLLOWUP_GRACE_DAYS": Setting(2, int),
}

BEAT = {
    # Hourly and idempotent: each task is reminded once, on the day it falls due.
    "followup-reminders": {"task": "followup.send_task_reminders", "schedule": 3600},
}

LIMITS = {"FOLLOWUP_GRACE_DAYS": (0, 30)}


def validate(config) -> None:
    require_whole_numbers(config, LIMITS)
