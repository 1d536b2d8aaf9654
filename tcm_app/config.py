"""Configuration: defaults, then instance/config.py, then TCM_* environment; validated at start.

The core's settings are here; each installed domain declares its own (defaults, TCM_* variables,
validation, beat entries) in `<domain>/settings.py`, merged here before anything overrides them
(tcm_app/common/settings.py says how).

The embedded default (SQLite in instance/, Celery in-process) needs no settings at all. A
production deployment (TCM_ENV=production) must name its PostgreSQL database, Redis broker and
secrets; a missing or unsafe value stops start-up with a message that says what to set.
"""

import base64
import copy
import json
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from limits import parse_many

from tcm_app.common.settings import ConfigError, is_money
from tcm_app.domains import domain_settings

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


def default_config(instance_path: str) -> dict:
    """The embedded defaults: everything local, nothing to install or configure."""
    config = core_defaults(instance_path)
    for settings in domain_settings():
        for key, setting in getattr(settings, "SETTINGS", {}).items():
            if key in config:  # one name, one meaning: a domain never redefines a setting
                raise ConfigError(f"{settings.__name__} declares {key}, already a setting")
            config[key] = copy.deepcopy(setting.default)
        config["CELERY"]["beat_schedule"].update(copy.deepcopy(getattr(settings, "BEAT", {})))
    return config


def core_defaults(instance_path: str) -> dict:
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
            # `celery -A tcm_app.worker beat` runs these (and the domains' BEAT entries); the
            # embedded demo has no beat.
            "beat_schedule": {
                "verify-audit-chain": {"task": "core.verify_audit_chain", "schedule": 86400},
            },
        },
        "RATELIMIT_STORAGE_URI": "memory://",
        # When the limits' Redis does not answer, each process counts in memory until it answers
        # again (flask-limiter checks back): a Redis outage must not turn every post into a 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Every JSON API request and every form post, per client (the signed-in user, else the
        # address) and per endpoint, across all nodes: stops a client flooding one endpoint; a
        # person at a screen, or a load test spread over many users, never reaches it.
        "API_RATE_LIMIT": "600 per minute",
        # Reverse proxies in front of the app that set X-Forwarded-For/-Proto/-Host (production:
        # 1, nginx). 0: those headers are ignored, so a client cannot forge its address.
        "TRUSTED_PROXIES": 0,
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
        # The clinic's phone number: the elderly mode's home page (长辈模式) calls it with one tap
        # (a tel: link). The demo's number is a placeholder; a hospital sets its own.
        "CLINIC_PHONE": "010-12345678",
        # Public address printed in QR codes and links sent out (empty: the request's own host).
        "PUBLIC_BASE_URL": "",
        # Payments: the provider patients pay through online (tcm_app/services/payments.py), the
        # secret that signs its callbacks, and an online visit's fee in yuan by doctor title.
        "PAYMENT_PROVIDER": "sandbox",
        "PAYMENT_NOTIFY_SECRET": None,
        "VISIT_FEES": dict(DEFAULT_VISIT_FEES),
        # Server-Timing header with each request's database and application time (make load).
        "SERVER_TIMING": False,
    }


# Environment variables and how each one is read (the core's; each domain's SETTINGS add theirs,
# TCM_<name>). Values not listed are ignored so that a typo cannot silently inject an unknown key.
ENV_SETTINGS = {
    "ENV": ("ENV_NAME", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "FIELD_KEY": ("FIELD_ENCRYPTION_KEY", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "RATELIMIT_STORAGE_URL": ("RATELIMIT_STORAGE_URI", str),
    "API_RATE_LIMIT": ("API_RATE_LIMIT", str),
    "TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "UPLOAD_FOLDER": ("UPLOAD_FOLDER", str),
    "UPLOAD_MAX_BYTES": ("UPLOAD_MAX_BYTES", int),
    "SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", json.loads),
    "HOSPITAL_NAME": ("HOSPITAL_NAME", str),
    "CLINIC_PHONE": ("CLINIC_PHONE", str),
    "API_TOKEN_HOURS": ("API_TOKEN_HOURS", int),
    "REAUTH_MINUTES": ("REAUTH_MINUTES", int),
    "PUBLIC_BASE_URL": ("PUBLIC_BASE_URL", str),
    "PAYMENT_PROVIDER": ("PAYMENT_PROVIDER", str),
    "PAYMENT_NOTIFY_SECRET": ("PAYMENT_NOTIFY_SECRET", str),
    "VISIT_FEES": ("VISIT_FEES", json.loads),
    "LOGIN_MAX_FAILURES": ("LOGIN_MAX_FAILURES", int),
    "LOGIN_LOCKOUT_MINUTES": ("LOGIN_LOCKOUT_MINUTES", int),
    "LOGIN_USERNAME_MAX_FAILURES": ("LOGIN_USERNAME_MAX_FAILURES", int),
    "SIGNING_MAX_FAILURES": ("SIGNING_MAX_FAILURES", int),
    "SIGNING_LOCKOUT_MINUTES": ("SIGNING_LOCKOUT_MINUTES", int),
    "SERVER_TIMING": ("SERVER_TIMING", json.loads),
}


def environment_settings() -> dict:
    """TCM_<suffix> -> (config key, reader): the core's, then every installed domain's."""
    found = dict(ENV_SETTINGS)
    for settings in domain_settings():
        for key, setting in getattr(settings, "SETTINGS", {}).items():
            found[key] = (key, setting.read)
    return found


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
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **PRODUCTION_ENGINE_OPTIONS,
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        }
    else:
        fill_development_secrets(app.config, Path(app.instance_path))
    for settings in domain_settings():
        if hasattr(settings, "derive"):
            settings.derive(app.config)
    validate_everywhere(app.config)


# PostgreSQL connections in production: each pooled connection is checked before use, so after a
# database restart the first request gets a fresh connection instead of an error; a request waits
# at most a few seconds for a connection (then 503, retryable) rather than holding its thread; a
# dead database is noticed within seconds by connect.
PRODUCTION_ENGINE_OPTIONS = {
    "pool_pre_ping": True,
    "pool_size": 10,
    "max_overflow": 10,
    "pool_timeout": 5,
    "pool_recycle": 1800,
    "connect_args": {"connect_timeout": 3},
}


def validate_everywhere(config) -> None:
    """Rules that hold in every environment, demo included: the core's, then each domain's."""
    validate_payments(config)
    validate_lockouts(config)
    validate_reauth(config)
    validate_request_limits(config)
    validate_clinic_phone(config)
    for settings in domain_settings():
        if hasattr(settings, "validate"):
            settings.validate(config)


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


# A phone number as people write it: digits, with an optional leading + and - or spaces between
# groups (010-12345678, 400 123 4567, +86 10 1234 5678); 3 digits at least (a short service
# number such as 120 is not the clinic's, but 95xxx hot lines are 5).
CLINIC_PHONE_PATTERN = re.compile(r"^\+?[0-9]+(?:[- ][0-9]+)*$")
CLINIC_PHONE_DIGITS = (5, 15)


def validate_clinic_phone(config) -> None:
    value = config.get("CLINIC_PHONE")
    digits = sum(ch.isdigit() for ch in value) if isinstance(value, str) else 0
    low, high = CLINIC_PHONE_DIGITS
    if (
        not isinstance(value, str)
        or not CLINIC_PHONE_PATTERN.match(value)
        or not low <= digits <= high
    ):
        raise ConfigError(
            "TCM_CLINIC_PHONE must be the clinic's phone number, digits with optional - or "
            f"spaces between groups and a leading +, {low} to {high} digits (010-12345678)"
        )


def tel_uri(phone: str) -> str:
    """The tel: link of a phone number as written (010-12345678 -> tel:01012345678)."""
    return "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")


# More than a few proxy hops in front of the app is a mistake in the setting, not a deployment.
MAX_TRUSTED_PROXIES = 5


def validate_request_limits(config) -> None:
    """The per-client limit is a rate flask-limiter reads; the proxy hops a small whole number."""
    proxies = config.get("TRUSTED_PROXIES")
    if type(proxies) is not int or not 0 <= proxies <= MAX_TRUSTED_PROXIES:
        raise ConfigError(
            f"TCM_TRUSTED_PROXIES must be the number of reverse proxies in front of the app, "
            f"from 0 to {MAX_TRUSTED_PROXIES} (1 behind nginx)"
        )
    if not is_rate(config.get("API_RATE_LIMIT")):
        raise ConfigError(
            'TCM_API_RATE_LIMIT must be a rate such as "600 per minute" or "20/second"'
        )


def is_rate(value) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        return bool(parse_many(value))
    except ValueError:
        return False


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
        or not all(is_money(fee) for fee in fees.values())
    ):
        raise ConfigError(
            "TCM_VISIT_FEES must give an amount in yuan for each doctor title, e.g. "
            + json.dumps(DEFAULT_VISIT_FEES)
        )


def apply_environment(config, environ) -> None:
    """Copy recognised TCM_* variables into the config, including the Celery broker."""
    for suffix, (key, parse) in environment_settings().items():
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
            **worker_reliability(environ),
        )
        config["CELERY"] = celery


# A task is acknowledged when it has finished, not when it was taken: a worker killed in the middle
# (out of memory, a node lost) leaves it in Redis, which gives it to a worker again once the
# visibility timeout has passed. Every task is idempotent (each says so), so running one again
# after such a loss completes it once. One task at a time per worker process: a killed process
# strands at most the task it was running. The timeout must exceed the longest task (seconds here).
CELERY_VISIBILITY_SECONDS = 120


def worker_reliability(environ) -> dict:
    seconds = int(
        environ.get(ENV_PREFIX + "CELERY_VISIBILITY_SECONDS") or CELERY_VISIBILITY_SECONDS
    )
    return {
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_transport_options": {"visibility_timeout": seconds},
        "result_backend_transport_options": {"visibility_timeout": seconds},
        "broker_connection_retry_on_startup": True,
    }


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
