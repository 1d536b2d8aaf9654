"""Start-up configuration: defaults need nothing set; production refuses unsafe settings."""

import pytest
from cryptography.fernet import Fernet

from tcm_app.app import create_app
from tcm_app.config import ConfigError, apply_environment, default_config

pytestmark = pytest.mark.pure

SAFE = {
    "ENV_NAME": "production",
    "SECRET_KEY": "s" * 48,
    "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://tcm:pw@db:5432/tcm",
    "CELERY": {"broker_url": "redis://127.0.0.1:6379/0", "task_always_eager": False},
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/1",
    "PAYMENT_NOTIFY_SECRET": "p" * 48,
}


def test_safe_production_settings_start():
    app = create_app(dict(SAFE))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        pytest.param({"SECRET_KEY": None}, "TCM_SECRET_KEY", id="missing-secret-key-stops-start"),
        pytest.param({"SECRET_KEY": "dev"}, "TCM_SECRET_KEY", id="weak-secret-key-stops-start"),
        pytest.param(
            {"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"},
            "TCM_DATABASE_URL",
            id="sqlite-in-production-stops-start",
        ),
        pytest.param(
            {"CELERY": {"broker_url": "memory://", "task_always_eager": True}},
            "TCM_CELERY_BROKER_URL",
            id="in-process-celery-in-production-stops-start",
        ),
        pytest.param(
            {"FIELD_ENCRYPTION_KEY": "not-a-key"}, "TCM_FIELD_KEY", id="bad-field-key-stops-start"
        ),
        pytest.param(
            {"RATELIMIT_STORAGE_URI": "memory://"},
            "TCM_RATELIMIT_STORAGE_URL",
            id="per-process-rate-limits-in-production-stop-start",
        ),
        pytest.param(
            {"PAYMENT_NOTIFY_SECRET": None},
            "TCM_PAYMENT_NOTIFY_SECRET",
            id="missing-payment-callback-secret-stops-start",
        ),
        pytest.param(
            {"PAYMENT_PROVIDER": "cash-box"},
            "TCM_PAYMENT_PROVIDER",
            id="unknown-payment-provider-stops-start",
        ),
        pytest.param(
            {"VISIT_FEES": {"chief": "50.00"}},
            "TCM_VISIT_FEES",
            id="visit-fee-missing-for-a-title-stops-start",
        ),
        pytest.param(
            {
                "VISIT_FEES": {
                    "chief": "-1",
                    "associate_chief": "1",
                    "attending": "1",
                    "resident": "1",
                }
            },
            "TCM_VISIT_FEES",
            id="negative-visit-fee-stops-start",
        ),
        pytest.param(
            {
                "VISIT_FEES": {
                    "chief": "1.234",
                    "associate_chief": "1",
                    "attending": "1",
                    "resident": "x",
                }
            },
            "TCM_VISIT_FEES",
            id="visit-fee-not-money-stops-start",
        ),
    ],
)
def test_unsafe_production_setting_stops_start_with_a_clear_message(change, variable):
    with pytest.raises(ConfigError) as exc:
        create_app({**SAFE, **change})
    assert variable in str(exc.value)


def test_environment_variables_override_defaults(tmp_path):
    config = default_config(str(tmp_path))
    apply_environment(
        config,
        {
            "TCM_DATABASE_URL": "postgresql+psycopg://x/y",
            "TCM_CELERY_BROKER_URL": "redis://h:6379/0",
            "TCM_UPLOAD_MAX_BYTES": "2048",
            "TCM_UNKNOWN": "ignored",
        },
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://x/y"
    assert config["CELERY"]["broker_url"] == "redis://h:6379/0"
    assert config["CELERY"]["task_always_eager"] is False
    assert config["UPLOAD_MAX_BYTES"] == 2048


def test_malformed_number_in_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="TCM_UPLOAD_MAX_BYTES"):
        apply_environment(default_config(str(tmp_path)), {"TCM_UPLOAD_MAX_BYTES": "ten"})


def test_embedded_defaults_need_no_settings(tmp_path, monkeypatch):
    monkeypatch.setattr("flask.Flask.instance_path", str(tmp_path), raising=False)
    config = default_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["CELERY"]["task_always_eager"] is True


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ORDER_UNPAID_MINUTES", 0),
        ("DECOCTION_USE_BY_DAYS", 90),
        ("DECOCTION_STUCK_HOURS", "4"),
        ("DELIVERY_FEE", "free"),
        ("DECOCTION_FEE_PER_PACKET", "-3"),
        ("DELIVERY_FEE", "1.005"),
    ],
    ids=[
        "unpaid-orders-lapse-after-5-minutes-at-least",
        "use-by-at-most-30-days",
        "stuck-limit-is-a-whole-number",
        "fee-not-money",
        "negative-fee",
        "fee-below-a-cent",
    ],
)
def test_order_settings_out_of_range_stop_start(tmp_path, key, value):
    with pytest.raises(ConfigError, match=f"TCM_{key}"):
        create_app({**SAFE, "ENV_NAME": "development", key: value})


@pytest.mark.parametrize(
    ("variable", "raw", "key", "value"),
    [
        pytest.param("TCM_TRUSTED_PROXIES", "1", "TRUSTED_PROXIES", 1, id="proxy-hops"),
        pytest.param(
            "TCM_API_RATE_LIMIT", "100/second", "API_RATE_LIMIT", "100/second", id="api-limit"
        ),
    ],
)
def test_request_limit_settings_come_from_the_environment(tmp_path, variable, raw, key, value):
    config = default_config(str(tmp_path))
    apply_environment(config, {variable: raw})
    assert config[key] == value


def test_the_demo_trusts_no_proxy_and_limits_each_client_generously(tmp_path):
    config = default_config(str(tmp_path))
    assert (config["TRUSTED_PROXIES"], config["API_RATE_LIMIT"]) == (0, "600 per minute")
