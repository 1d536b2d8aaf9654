"""The consults domain's settings and beat entries (see tcm_app/common/settings.py)."""

import json

from tcm_app.common.settings import ConfigError, Setting

SETTINGS = {
    # Video consults: none of these are needed on a local network (host candidates only).
    "CONSULT_STUN_URLS": Setting([], json.loads),
    "CONSULT_TURN_URLS": Setting([], json.loads),
    "CONSULT_TURN_SECRET": Setting(""),
    "CONSULT_TURN_TTL": Setting(3600, int),
    # Set: signaling relays through Redis (several processes).
    "CONSULT_REDIS_URL": Setting(None),
    "CONSULT_RECORDING_ENABLED": Setting(False, json.loads),
    # Signaling heartbeats: the page pings this often; the server closes a socket silent for
    # the idle limit (well above the ping, so a slow network is not taken for a dead one).
    "CONSULT_PING_SECONDS": Setting(15, int),
    "CONSULT_IDLE_SECONDS": Setting(60, int),
    # A room token opens one socket; the page renews it through its signed-in session.
    "CONSULT_ROOM_TOKEN_SECONDS": Setting(120, int),
    # Text and image consults (图文问诊): the doctor's first answer is due within this many hours
    # (unanswered: the thread closes and the fee is refunded); a thread the doctor answered
    # closes after this many quiet hours.
    "CONSULT_TEXT_REPLY_HOURS": Setting(24, int),
    "CONSULT_TEXT_QUIET_HOURS": Setting(72, int),
}

BEAT = {
    "consult-reminders": {"task": "consults.send_consult_reminders", "schedule": 3600},
    "close-text-consults": {"task": "consults.close_due_text_consults", "schedule": 600},
}


TEXT_HOURS = {"CONSULT_TEXT_REPLY_HOURS": (1, 168), "CONSULT_TEXT_QUIET_HOURS": (1, 720)}


def derive(config) -> None:
    """Production runs several server processes: signaling relays through the broker's Redis
    unless told otherwise."""
    if config["ENV_NAME"] == "production" and not config.get("CONSULT_REDIS_URL"):
        config["CONSULT_REDIS_URL"] = config["CELERY"]["broker_url"]


def validate(config) -> None:
    """Pings, idle limit and token lifetime in whole seconds; the idle limit at least two pings
    and a margin, so that one late ping on a slow network does not close a live call."""
    values = {
        key: config.get(key)
        for key in ("CONSULT_PING_SECONDS", "CONSULT_IDLE_SECONDS", "CONSULT_ROOM_TOKEN_SECONDS")
    }
    for key, value in values.items():
        if type(value) is not int or not 1 <= value <= 3600:
            raise ConfigError(f"TCM_{key} must be a whole number of seconds from 1 to 3600")
    for key, (low, high) in TEXT_HOURS.items():
        value = config.get(key)
        if type(value) is not int or not low <= value <= high:
            raise ConfigError(f"TCM_{key} must be a whole number of hours from {low} to {high}")
    if values["CONSULT_IDLE_SECONDS"] < 2 * values["CONSULT_PING_SECONDS"] + 1:
        raise ConfigError(
            "TCM_CONSULT_IDLE_SECONDS must be more than twice TCM_CONSULT_PING_SECONDS "
            "(a socket is closed as idle only after missing two pings)"
        )
