"""Phone verification codes (短信验证码): sent through the SMS senders (SMS_SENDERS; the log sender
by default, a sandbox that keeps what it sent in tests), stored only as keyed digests, valid for
a few minutes and a few tries; sending is rate-limited per phone and per IP (flask-limiter)."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from limits import parse_many
from sqlalchemy import select, update

from tcm_app.common.errors import TCMError, ValidationError
from tcm_app.extensions import db, limiter
from tcm_app.models.registration import PhoneCode
from tcm_app.services import transitions
from tcm_app.services.clock import utc_now
from tcm_app.services.notify import senders

DEFAULTS = {
    "PHONE_CODE_MINUTES": 5,
    "PHONE_CODE_MAX_TRIES": 5,
    "PHONE_CODE_LIMIT_PER_PHONE": "1 per minute;5 per hour",
    "PHONE_CODE_LIMIT_PER_IP": "10 per hour",
}
MESSAGE = "【{hospital}】您的验证码是{code}，{minutes}分钟内有效。请勿告诉他人。"


class TooManyRequestsError(TCMError):
    status = 429
    code = "too_many_codes"


@dataclass(frozen=True)
class PhoneRecipient:
    """Someone known only by a phone number (before registration), for the senders."""

    phone: str
    id: None = None


def setting(key: str):
    return current_app.config.get(key, DEFAULTS[key])


def _digest(*parts: str) -> str:
    key = hashlib.sha256(b"tcm-phone-code:" + current_app.config["SECRET_KEY"].encode()).digest()
    return hmac.new(key, "|".join(parts).encode(), hashlib.sha256).hexdigest()


def _refuse(code: str, message: str, error=ValidationError):
    return error(message, code, {"code": [code]})


def check_rate(phone: str, ip_address: str | None) -> None:
    """Count one send against the per-phone and per-IP limits; refuse past either."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    checks = [
        (setting("PHONE_CODE_LIMIT_PER_PHONE"), "phone", _digest("rate", phone)),
        (setting("PHONE_CODE_LIMIT_PER_IP"), "ip", ip_address or "unknown"),
    ]
    for limits_text, scope, key in checks:
        for item in parse_many(limits_text):
            if not limiter.limiter.hit(item, "phone-code", scope, key):
                raise TooManyRequestsError(
                    "too many codes asked for; wait and try again",
                    "too_many_codes",
                    {"phone": ["too_many_codes"]},
                )


def send_code(phone: str, ip_address: str | None, purpose: str = "register") -> PhoneCode:
    """Make a new code for `phone` (earlier ones stop working) and send it. Flushes."""
    check_rate(phone, ip_address)
    now = utc_now()
    code = f"{secrets.randbelow(10**6):06d}"
    phone_digest = _digest("phone", phone)
    db.session.execute(
        update(PhoneCode)
        .where(PhoneCode.phone_digest == phone_digest, PhoneCode.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    minutes = setting("PHONE_CODE_MINUTES")
    row = PhoneCode(
        phone_digest=phone_digest,
        code_digest=_digest("code", purpose, phone, code),
        purpose=purpose,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
        attempts=0,
    )
    db.session.add(row)
    db.session.flush()
    text = MESSAGE.format(hospital=current_app.config["HOSPITAL_NAME"], code=code, minutes=minutes)
    _deliver(PhoneRecipient(phone), text)
    return row


def _deliver(recipient: PhoneRecipient, text: str) -> None:
    delivered = False
    for sender in senders("SMS_SENDERS"):
        try:
            sender.send(recipient, text)
            delivered = True
        except Exception as exc:  # one gateway down: try the next
            current_app.logger.warning("SMS code via %s failed: %s", sender, exc)
    if not delivered:
        raise ValidationError("the code could not be sent", "sms_failed", {"phone": ["sms_failed"]})


def verify_code(phone: str, code: str, purpose: str = "register") -> None:
    """Accept the latest code sent to `phone` once; a wrong one counts against its tries.
    Refusals name the `code` field. Flushes (the caller commits even a refusal)."""
    now = utc_now()
    row = db.session.scalar(
        select(PhoneCode)
        .where(PhoneCode.phone_digest == _digest("phone", phone), PhoneCode.purpose == purpose)
        .order_by(PhoneCode.id.desc())
        .limit(1)
    )
    if row is None or row.used_at is not None:
        raise _refuse("code_missing", "ask for a code first")
    if row.expires_at <= now:
        raise _refuse("code_expired", "the code has expired")
    if row.attempts >= setting("PHONE_CODE_MAX_TRIES"):
        raise _refuse("code_locked", "too many wrong codes")
    if not hmac.compare_digest(row.code_digest, _digest("code", purpose, phone, code or "")):
        _count_try(row)
        raise _refuse("code_wrong", "the code is wrong")
    used = transitions.move_row(
        PhoneCode, row.id, column="used_at", expected=None, values={"used_at": now}
    )
    if not used:  # the same code used twice at once
        raise _refuse("code_missing", "ask for a code first")


def _count_try(row: PhoneCode) -> None:
    db.session.execute(
        update(PhoneCode)
        .where(PhoneCode.id == row.id)
        .values(attempts=PhoneCode.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
