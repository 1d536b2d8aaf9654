"""The constitution domain's settings and beat entries (see tcm_app/common/settings.py)."""

from tcm_app.common.settings import require_whole_numbers

SETTINGS: dict = {}

BEAT = {
    # Hourly and idempotent: each care plan is reminded once when its reassessment falls due.
    "constitution-reassessment-reminders": {
        "task": "constitution.send_reassessment_reminders",
        "schedule": 3600,
    },
}

LIMITS: dict[str, tuple[int, int]] = {}


def validate(config) -> None:
    require_whole_numbers(config, LIMITS)
