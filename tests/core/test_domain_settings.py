"""Each domain declares its settings in <domain>/settings.py (tcm_app/common/settings.py): the
core's config merges them before instance/config.py, the environment and a test mapping override
them, and refuses a wrong value at start as before."""

from types import SimpleNamespace

import pytest

from tcm_app.app import create_app
from tcm_app.common.settings import Setting
from tcm_app.config import ConfigError, apply_environment, default_config
from tcm_app.domains import domain_settings
from tests.core.test_config import SAFE

pytestmark = pytest.mark.pure
DEVELOPMENT = {**SAFE, "ENV_NAME": "development"}

# The settings each domain owns, and its beat entries (the names the README documents).
OWNED = {
    "herbs.settings": {"PRESCRIPTION_VALID_DAYS", "RENEWAL_WINDOW_DAYS", "RENEWAL_MAX_IN_A_ROW"},
    "consults.settings": {
        "CONSULT_STUN_URLS",
        "CONSULT_TURN_URLS",
        "CONSULT_TURN_SECRET",
        "CONSULT_TURN_TTL",
        "CONSULT_REDIS_URL",
        "CONSULT_RECORDING_ENABLED",
        "CONSULT_PING_SECONDS",
        "CONSULT_IDLE_SECONDS",
        "CONSULT_ROOM_TOKEN_SECONDS",
        "CONSULT_TEXT_REPLY_HOURS",
        "CONSULT_TEXT_QUIET_HOURS",
    },
    "decoction.settings": {
        "ORDER_UNPAID_MINUTES",
        "DECOCTION_FEE_PER_PACKET",
        "DELIVERY_FEE",
        "DECOCTION_USE_BY_DAYS",
        "DECOCTION_STUCK_HOURS",
    },
    "treatments.settings": {
        "TREATMENT_CANCEL_HOURS",
        "TREATMENT_BOOKING_DAYS",
        "TREATMENT_HOME_AREA",
        "TREATMENT_HOME_OVERRUN_MINUTES",
    },
    "constitution.settings": set(),
    "diagnosis.settings": set(),
    "followup.settings": {"FOLLOWUP_GRACE_DAYS"},
    "quality.settings": {"QUALITY_COMPLAINT_ANSWER_DAYS"},
    "external_rx.settings": {
        "EXTERNAL_RX_VALID_DAYS",
        "EXTERNAL_RX_OCR",
        "EXTERNAL_RX_OCR_SECONDS",
    },
}
BEAT = {
    "verify-audit-chain",
    "expire-prescriptions",
    "consult-reminders",
    "close-text-consults",
    "order-reminders",
    "expire-unpaid-orders",
    "treatment-reminders",
    "treatment-home-overruns",
    "constitution-reassessment-reminders",
    "followup-reminders",
    "quality-daily-figures",
    "tongue-analysis-sweep",
}


def test_the_domains_declare_their_own_settings():
    assert {m.__name__: set(m.SETTINGS) for m in domain_settings()} == OWNED


def test_domain_defaults_and_beat_entries_join_the_core_defaults():
    config = default_config("/nonexistent")
    for settings in domain_settings():
        for key, setting in settings.SETTINGS.items():
            assert config[key] == setting.default
    assert set(config["CELERY"]["beat_schedule"]) == BEAT


def test_a_list_default_is_not_shared_between_apps():
    default_config("/nonexistent")["CONSULT_STUN_URLS"].append("stun:example.org")
    assert default_config("/nonexistent")["CONSULT_STUN_URLS"] == []


def test_the_environment_overrides_a_domain_default():
    config = default_config("/nonexistent")
    apply_environment(config, {"TCM_TREATMENT_BOOKING_DAYS": "30", "TCM_DELIVERY_FEE": "8.00"})
    assert (config["TREATMENT_BOOKING_DAYS"], config["DELIVERY_FEE"]) == (30, "8.00")


def test_a_mapping_overrides_a_domain_default_and_a_wrong_one_stops_start():
    app = create_app({**DEVELOPMENT, "TREATMENT_CANCEL_HOURS": 0})
    assert app.config["TREATMENT_CANCEL_HOURS"] == 0
    with pytest.raises(ConfigError, match=r"^TCM_TREATMENT_BOOKING_DAYS must be a whole number"):
        create_app({**DEVELOPMENT, "TREATMENT_BOOKING_DAYS": 400})


def test_production_signaling_relays_through_the_broker_unless_told_otherwise():
    assert create_app(dict(SAFE)).config["CONSULT_REDIS_URL"] == SAFE["CELERY"]["broker_url"]
    own = "redis://127.0.0.1:6379/5"
    assert create_app({**SAFE, "CONSULT_REDIS_URL": own}).config["CONSULT_REDIS_URL"] == own


def test_a_domain_that_redefines_a_setting_is_refused(monkeypatch):
    clash = SimpleNamespace(__name__="fake.settings", SETTINGS={"HOSPITAL_NAME": Setting("x")})
    monkeypatch.setattr("tcm_app.config.domain_settings", lambda: [clash])
    with pytest.raises(ConfigError, match=r"fake\.settings declares HOSPITAL_NAME"):
        default_config("/nonexistent")
