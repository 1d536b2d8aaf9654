"""Configuration: defaults, then instance/config.py, then TCM_* environment; validated at start.

The embedded default (SQLite in instance/, Celery in-process) needs no settings at all. A
production deployment (TCM_ENV=production) must name its PostgreSQL database, Redis broker and
secrets; a missing or unsafe value stops start-up with a message that says what to set.
"""

import base64
import json
import os
import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from cryptography.fernet import Fernet

ENV_PREFIX = "TCM_"
DEV_SECRET_FILE = "secret_key"
DEV_FIELD_KEY_FILE = "field_key"
DEV_PAYMENT_SECRET_FILE = "payment_notify_secret"
MIN_SECRET_LENGTH = 32
KNOWN_UNSAFE_SECRETS = {"dev", "secret", "changeme", "change-me", "tcm-demo", "development"}


# An online visit's fee (诊查费) by the doctor's title (tcm_app.models.accounts.DoctorTitle).
DEFAULT_VISIT_FEES = {
    "chief": "50.00",
    "associate_chief": "35.00",
    "attending": "25.00",
    "resident": "15.00",
}
PAYMENT_PROVIDERS = ("sandbox",)  # online providers; staff record counter payments besides


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message names the TCM_* variable to fix."""


def default_config(instance_path: str) -> dict:
    """The embedded defaults: everything local, nothing to install or configure."""
    return {
        "ENV_NAME": "development",
        "SECRET_KEY": None,
        "FIELD_ENCRYPTION_KEY": None,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'tcm.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "CELERY": {
            "broker_url": "memory://",
            "result_backend": "cache+memory://",
            "task_always_eager": True,
            "task_eager_propagates": True,
            "task_ignore_result": True,
            "task_serializer": "json",
            "accept_content": ["json"],
            # `celery -A tcm_app.worker beat` runs these; the embedded demo has no beat.
            "beat_schedule": {
                "expire-prescriptions": {"task": "herbs.expire_prescriptions", "schedule": 3600},
                "verify-audit-chain": {"task": "core.verify_audit_chain", "schedule": 86400},
                "order-reminders": {"task": "decoction.send_order_reminders", "schedule": 86400},
                "treatment-reminders": {
                    "task": "treatments.send_booking_reminders",
                    "schedule": 3600,
                },
                "consult-reminders": {
                    "task": "consults.send_consult_reminders",
                    "schedule": 3600,
                },
                "expire-unpaid-orders": {
                    "task": "decoction.expire_unpaid_orders",
                    "schedule": 300,
                },
            },
        },
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "10 per minute",
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCKOUT_MINUTES": 15,  # the longest lock of a username from one address
        # Failures in a row for one username from all addresses together before it is locked.
        "LOGIN_USERNAME_MAX_FAILURES": 50,
        # Wrong signing passwords in a row before signing is locked, and for how long.
        "SIGNING_MAX_FAILURES": 5,
        "SIGNING_LOCKOUT_MINUTES": 30,
        "API_TOKEN_HOURS": 12,
        # Doctors and pharmacists type their login password again before a video consult or a
        # signature when their last proof is older than this (the person at the screen must be the
        # doctor): 30 minutes is a common screen-lock time in hospitals, about two consult slots.
        "REAUTH_MINUTES": 30,
        "UPLOAD_FOLDER": str(Path(instance_path) / "uploads"),
        "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_NAME": "tcm_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ["zh_Hans_CN", "en"],
        "HOSPITAL_NAME": "中医互联网医院",
        # An approved prescription's validity in days (S004 §1.2.2: usually 3; never more).
        "PRESCRIPTION_VALID_DAYS": 3,
        # Public address printed in prescription QR codes (empty: the request's own host).
        "PUBLIC_BASE_URL": "",
        # Video consults: none of these are needed on a local network (host candidates only).
        "CONSULT_STUN_URLS": [],
        "CONSULT_TURN_URLS": [],
        "CONSULT_TURN_SECRET": "",
        "CONSULT_TURN_TTL": 3600,
        "CONSULT_REDIS_URL": None,  # set: signaling relays through Redis (several processes)
        "CONSULT_RECORDING_ENABLED": False,
        # Signaling heartbeats: the page pings this often; the server closes a socket silent for
        # the idle limit (well above the ping, so a slow network is not taken for a dead one).
        "CONSULT_PING_SECONDS": 15,
        "CONSULT_IDLE_SECONDS": 60,
        # A room token opens one socket; the page renews it through its signed-in session.
        "CONSULT_ROOM_TOKEN_SECONDS": 120,
        # Herb orders: an unpaid order lapses and frees its prescription; fees in yuan.
        "ORDER_UNPAID_MINUTES": 30,
        "DECOCTION_FEE_PER_PACKET": "3.00",
        "DELIVERY_FEE": "12.00",
        "DECOCTION_USE_BY_DAYS": 7,  # printed on bag labels: best within 7 days refrigerated
        "DECOCTION_STUCK_HOURS": 4,  # the work queue marks orders waiting longer in one stage
        # Treatments: patients cancel or move a booking up to this many hours before it starts
        # (staff always can, with a reason); bookings open this many days ahead.
        "TREATMENT_CANCEL_HOURS": 12,
        "TREATMENT_BOOKING_DAYS": 60,
        # Payments: the provider patients pay through online (tcm_app/services/payments.py), the
        # secret that signs its callbacks, and an online visit's fee in yuan by doctor title.
        "PAYMENT_PROVIDER": "sandbox",
        "PAYMENT_NOTIFY_SECRET": None,
        "VISIT_FEES": dict(DEFAULT_VISIT_FEES),
    }


# Environment variables and how each one is read. Values not listed here are ignored so that a
# typo cannot silently inject an unknown key.
ENV_SETTINGS = {
    "ENV": ("ENV_NAME", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "FIELD_KEY": ("FIELD_ENCRYPTION_KEY", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "RATELIMIT_STORAGE_URL": ("RATELIMIT_STORAGE_URI", str),
    "UPLOAD_FOLDER": ("UPLOAD_FOLDER", str),
    "UPLOAD_MAX_BYTES": ("UPLOAD_MAX_BYTES", int),
    "SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", json.loads),
    "HOSPITAL_NAME": ("HOSPITAL_NAME", str),
    "API_TOKEN_HOURS": ("API_TOKEN_HOURS", int),
    "REAUTH_MINUTES": ("REAUTH_MINUTES", int),
    "PRESCRIPTION_VALID_DAYS": ("PRESCRIPTION_VALID_DAYS", int),
    "PUBLIC_BASE_URL": ("PUBLIC_BASE_URL", str),
    "CONSULT_STUN_URLS": ("CONSULT_STUN_URLS", json.loads),
    "CONSULT_TURN_URLS": ("CONSULT_TURN_URLS", json.loads),
    "CONSULT_TURN_SECRET": ("CONSULT_TURN_SECRET", str),
    "CONSULT_TURN_TTL": ("CONSULT_TURN_TTL", int),
    "CONSULT_REDIS_URL": ("CONSULT_REDIS_URL", str),
    "CONSULT_RECORDING_ENABLED": ("CONSULT_RECORDING_ENABLED", json.loads),
    "CONSULT_PING_SECONDS": ("CONSULT_PING_SECONDS", int),
    "CONSULT_IDLE_SECONDS": ("CONSULT_IDLE_SECONDS", int),
    "CONSULT_ROOM_TOKEN_SECONDS": ("CONSULT_ROOM_TOKEN_SECONDS", int),
    "ORDER_UNPAID_MINUTES": ("ORDER_UNPAID_MINUTES", int),
    "DECOCTION_FEE_PER_PACKET": ("DECOCTION_FEE_PER_PACKET", str),
    "DELIVERY_FEE": ("DELIVERY_FEE", str),
    "DECOCTION_USE_BY_DAYS": ("DECOCTION_USE_BY_DAYS", int),
    "DECOCTION_STUCK_HOURS": ("DECOCTION_STUCK_HOURS", int),
    "TREATMENT_CANCEL_HOURS": ("TREATMENT_CANCEL_HOURS", int),
    "TREATMENT_BOOKING_DAYS": ("TREATMENT_BOOKING_DAYS", int),
    "PAYMENT_PROVIDER": ("PAYMENT_PROVIDER", str),
    "PAYMENT_NOTIFY_SECRET": ("PAYMENT_NOTIFY_SECRET", str),
    "VISIT_FEES": ("VISIT_FEES", json.loads),
    "LOGIN_MAX_FAILURES": ("LOGIN_MAX_FAILURES", int),
    "LOGIN_LOCKOUT_MINUTES": ("LOGIN_LOCKOUT_MINUTES", int),
    "LOGIN_USERNAME_MAX_FAILURES": ("LOGIN_USERNAME_MAX_FAILURES", int),
    "SIGNING_MAX_FAILURES": ("SIGNING_MAX_FAILURES", int),
    "SIGNING_LOCKOUT_MINUTES": ("SIGNING_LOCKOUT_MINUTES", int),
}

MAX_PRESCRIPTION_VALID_DAYS = 3


def load_config(app, test_config: dict | None) -> None:
    """Fill app.config in order: defaults, instance/config.py, TCM_* environment, test mapping."""
    app.config.from_mapping(default_config(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        apply_environment(app.config, os.environ)
    else:
        app.config.from_mapping(test_config)
    if app.config["ENV_NAME"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = app.config.get("SESSION_COOKIE_SECURE") or True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        validate_production(app.config)
    else:
        fill_development_secrets(app.config, Path(app.instance_path))
    validate_everywhere(app.config)


def validate_everywhere(config) -> None:
    """Rules that hold in every environment, demo included."""
    days = config.get("PRESCRIPTION_VALID_DAYS")
    if not isinstance(days, int) or not 1 <= days <= MAX_PRESCRIPTION_VALID_DAYS:
        raise ConfigError(
            f"TCM_PRESCRIPTION_VALID_DAYS must be 1 to {MAX_PRESCRIPTION_VALID_DAYS} "
            "(an approved prescription is valid three days at most)"
        )
    validate_orders(config)
    validate_payments(config)
    validate_consult_heartbeat(config)
    validate_lockouts(config)
    validate_reauth(config)


# Re-authentication: at least a minute; at most the session's own lifetime (8 hours), past which
# the setting would mean nothing.
REAUTH_LIMITS = (1, 8 * 60)


def validate_reauth(config) -> None:
    value = config.get("REAUTH_MINUTES")
    low, high = REAUTH_LIMITS
    if type(value) is not int or not low <= value <= high:
        raise ConfigError(
            f"TCM_REAUTH_MINUTES must be a whole number of minutes from {low} to {high}"
        )


ORDER_LIMITS = {
    "ORDER_UNPAID_MINUTES": (5, 24 * 60),
    "DECOCTION_USE_BY_DAYS": (1, 30),
    "DECOCTION_STUCK_HOURS": (1, 72),
    "TREATMENT_CANCEL_HOURS": (0, 72),
    "TREATMENT_BOOKING_DAYS": (1, 366),
}


def validate_orders(config) -> None:
    """Herb-order settings: whole numbers in range and fees that are amounts of money."""
    for key, (low, high) in ORDER_LIMITS.items():
        value = config.get(key)
        if not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"TCM_{key} must be a whole number from {low} to {high}")
    for key in ("DECOCTION_FEE_PER_PACKET", "DELIVERY_FEE"):
        try:
            fee = Decimal(str(config.get(key)))
        except ArithmeticError:
            fee = Decimal(-1)
        if not fee.is_finite() or fee < 0 or fee != fee.quantize(Decimal("0.01")):
            raise ConfigError(f"TCM_{key} must be an amount in yuan such as 12.00")


def validate_consult_heartbeat(config) -> None:
    """Pings, idle limit and token lifetime in whole seconds; the idle limit at least two pings
    and a margin, so that one late ping on a slow network does not close a live call."""
    values = {
        key: config.get(key)
        for key in ("CONSULT_PING_SECONDS", "CONSULT_IDLE_SECONDS", "CONSULT_ROOM_TOKEN_SECONDS")
    }
    for key, value in values.items():
        if type(value) is not int or not 1 <= value <= 3600:
            raise ConfigError(f"TCM_{key} must be a whole number of seconds from 1 to 3600")
    if values["CONSULT_IDLE_SECONDS"] < 2 * values["CONSULT_PING_SECONDS"] + 1:
        raise ConfigError(
            "TCM_CONSULT_IDLE_SECONDS must be more than twice TCM_CONSULT_PING_SECONDS "
            "(a socket is closed as idle only after missing two pings)"
        )


def _is_money(value) -> bool:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return False
    return amount.is_finite() and amount >= 0 and amount == amount.quantize(Decimal("0.01"))


def validate_payments(config) -> None:
    """The payment provider is known, its callback secret long enough, and every doctor title has
    a visit fee that is an amount of money."""
    if config.get("PAYMENT_PROVIDER") not in PAYMENT_PROVIDERS:
        raise ConfigError(f"TCM_PAYMENT_PROVIDER must be one of: {', '.join(PAYMENT_PROVIDERS)}")
    if len(config.get("PAYMENT_NOTIFY_SECRET") or "") < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"TCM_PAYMENT_NOTIFY_SECRET must be a random value of at least {MIN_SECRET_LENGTH} "
            "characters (it signs the payment provider's callbacks)"
        )
    fees = config.get("VISIT_FEES")
    if (
        not isinstance(fees, dict)
        or set(fees) != set(DEFAULT_VISIT_FEES)
        or not all(_is_money(fee) for fee in fees.values())
    ):
        raise ConfigError(
            "TCM_VISIT_FEES must give an amount in yuan for each doctor title, e.g. "
            + json.dumps(DEFAULT_VISIT_FEES)
        )


def apply_environment(config, environ) -> None:
    """Copy recognised TCM_* variables into the config, including the Celery broker."""
    for suffix, (key, parse) in ENV_SETTINGS.items():
        raw = environ.get(ENV_PREFIX + suffix)
        if raw is None or raw == "":
            continue
        try:
            config[key] = parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{ENV_PREFIX}{suffix} has an invalid value: {exc}") from exc
    broker = environ.get(ENV_PREFIX + "CELERY_BROKER_URL")
    if broker:
        celery = dict(config["CELERY"])
        celery.update(
            broker_url=broker,
            result_backend=environ.get(ENV_PREFIX + "CELERY_RESULT_BACKEND", broker),
            task_always_eager=False,
        )
        config["CELERY"] = celery


def validate_production(config) -> None:
    """Refuse to start production on settings that are missing or unsafe."""
    problems = []
    secret = config.get("SECRET_KEY") or ""
    if len(secret) < MIN_SECRET_LENGTH or secret.lower() in KNOWN_UNSAFE_SECRETS:
        problems.append(
            f"TCM_SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} "
            'characters (python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        problems.append(
            "TCM_DATABASE_URL must point to PostgreSQL "
            "(postgresql+psycopg://user:password@host:5432/tcm); SQLite is for the embedded demo"
        )
    if config["CELERY"].get("task_always_eager") or not str(
        config["CELERY"].get("broker_url", "")
    ).startswith(("redis://", "rediss://")):
        problems.append("TCM_CELERY_BROKER_URL must point to Redis (redis://host:6379/0)")
    if not is_valid_fernet_key(config.get("FIELD_ENCRYPTION_KEY")):
        problems.append(
            "TCM_FIELD_KEY must be a Fernet key for personal identifiers at rest "
            '(python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())")'
        )
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        problems.append(
            "TCM_RATELIMIT_STORAGE_URL must point to Redis so that login limits hold across workers"
        )
    if problems:
        raise ConfigError("Production settings refused:\n  - " + "\n  - ".join(problems))
    if not config.get("CONSULT_REDIS_URL"):
        # Several server processes: consult signaling relays through the same Redis.
        config["CONSULT_REDIS_URL"] = config["CELERY"]["broker_url"]


def is_valid_fernet_key(value) -> bool:
    if not value:
        return False
    try:
        return len(base64.urlsafe_b64decode(value)) == 32
    except (ValueError, TypeError):
        return False


def fill_development_secrets(config, instance: Path) -> None:
    """Development and demo: keep generated secrets in instance/ so they survive restarts."""
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = read_or_create(instance / DEV_SECRET_FILE, secrets.token_urlsafe(48))
    if not config.get("FIELD_ENCRYPTION_KEY"):
        config["FIELD_ENCRYPTION_KEY"] = read_or_create(
            instance / DEV_FIELD_KEY_FILE, Fernet.generate_key().decode()
        )
    if not config.get("PAYMENT_NOTIFY_SECRET"):
        config["PAYMENT_NOTIFY_SECRET"] = read_or_create(
            instance / DEV_PAYMENT_SECRET_FILE, secrets.token_urlsafe(48)
        )


def read_or_create(path: Path, new_value: str) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new_value)
    path.chmod(0o600)
    return new_value


LOCKOUT_LIMITS = {
    "LOGIN_MAX_FAILURES": (1, 100),
    "LOGIN_LOCKOUT_MINUTES": (1, 24 * 60),
    "LOGIN_USERNAME_MAX_FAILURES": (1, 10_000),
    "SIGNING_MAX_FAILURES": (1, 100),
    "SIGNING_LOCKOUT_MINUTES": (1, 24 * 60),
}


def validate_lockouts(config) -> None:
    """Sign-in and signing locks: whole numbers in range; the lock of a username from all
    addresses together needs more failures than the lock of one address."""
    for key, (low, high) in LOCKOUT_LIMITS.items():
        value = config.get(key)
        if type(value) is not int or not low <= value <= high:
            raise ConfigError(f"TCM_{key} must be a whole number from {low} to {high}")
    if config["LOGIN_USERNAME_MAX_FAILURES"] <= config["LOGIN_MAX_FAILURES"]:
        raise ConfigError(
            "TCM_LOGIN_USERNAME_MAX_FAILURES must be more than TCM_LOGIN_MAX_FAILURES "
            "(one address is locked before the username is locked everywhere)"
        )
