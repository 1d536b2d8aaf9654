"""Column types shared by the core models: UTC timestamps and encrypted personal identifiers."""

import hashlib
import hmac
from datetime import UTC, datetime
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import DateTime, Text
from sqlalchemy.types import TypeDecorator

from tcm_app.services import clock


def utcnow() -> datetime:
    return clock.utc_now()


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, so we store naive UTC there)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def field_cipher() -> Fernet:
    return _fernet(current_app.config["FIELD_ENCRYPTION_KEY"])


class EncryptedString(TypeDecorator):
    """A personal identifier encrypted at rest with Fernet (AES-128-CBC + HMAC)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return field_cipher().encrypt(value.encode()).decode()

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        try:
            return field_cipher().decrypt(value.encode()).decode()
        except InvalidToken as exc:
            raise RuntimeError("an encrypted field cannot be read with TCM_FIELD_KEY") from exc


def blind_index(value: str) -> str:
    """A keyed digest for exact-match lookups and uniqueness without storing the plain value."""
    key = hashlib.sha256(b"tcm-blind-index:" + current_app.config["FIELD_ENCRYPTION_KEY"].encode())
    return hmac.new(key.digest(), value.encode(), hashlib.sha256).hexdigest()
