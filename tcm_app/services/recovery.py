"""Account recovery: a patient resets their password with a code sent to the phone on record
(忘记密码), and an administrator resets a staff password to a temporary one that must be changed at
the next sign-in.

A patient's request names the username and the phone together: numbers are not unique here (a
family may share one) and a stored phone is encrypted without an index, so the username finds the
account and the phone must match the one the patient verified at registration. Whether they match,
or whether the account is staff, is never told: the page answers the same either way and only the
audit log knows. Staff passwords are never reset by SMS (their phone is not a verified factor)."""

import hmac
import secrets
import string
from typing import NoReturn, TypeGuard

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from tcm_app.common.errors import PermissionDeniedError, TCMError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User, new_session_token
from tcm_app.models.patients import Patient
from tcm_app.services import login_throttle, phone_codes
from tcm_app.services.accounts import (
    change_password,
    check_new_password,
    find_user,
    revoke_all_tokens,
)
from tcm_app.services.audit import record_audit

PURPOSE = "reset"


class CodeRefusedError(ValidationError):
    """Every refusal of a reset code (wrong, expired, too many tries, none sent, no such
    account): one answer, so that trying codes tells nothing about who exists."""

    code = "reset_code_refused"


def _patient_phone(user: User) -> str | None:
    return db.session.scalar(select(Patient.phone).where(Patient.user_id == user.id))


def _phone_matches(user: User | None, phone: str) -> TypeGuard[User]:
    if user is None or user.role != Role.PATIENT or not user.active:
        return False
    on_record = _patient_phone(user) or ""
    return hmac.compare_digest(on_record.encode(), (phone or "").encode())


def request_reset(username: str, phone: str, source: str | None) -> None:
    """Send a reset code to `phone` if it is the verified phone of the patient `username`.

    Either way the sending counts against the per-phone and per-source limits (raising
    TooManyRequestsError past them), so the limit answers alike for strangers. Flushes."""
    user = find_user(username)
    if not _phone_matches(user, phone):
        phone_codes.check_rate(phone, source)
        why = "staff account" if user is not None and user.role != Role.PATIENT else "no match"
        record_audit(
            "auth.password_reset_refused",
            "user",
            user.id if user else "-",
            f"reset code not sent: {why}",
            {"username": (username or "")[:64]},
            actor=user,
        )
        return
    try:
        phone_codes.send_code(phone, source, purpose=PURPOSE)
    except phone_codes.TooManyRequestsError:
        raise
    except TCMError as exc:  # the gateway failed: the answer stays the same, the log knows
        record_audit(
            "auth.password_reset_refused",
            "user",
            user.id,
            f"reset code not sent: {exc.code}",
            actor=user,
        )
        return
    record_audit(
        "auth.password_reset_requested", "user", user.id, "reset code sent by SMS", actor=user
    )


def reset_password(username: str, phone: str, code: str, new_password: str) -> User:
    """Check the new password, then the code; set the password, end every session and token.

    Raises ValidationError (weak_password) before the code is spent, or CodeRefusedError (the
    caller commits it: a wrong code counts against the code's tries and is audited)."""
    user = find_user(username)
    check_new_password(new_password, user.username if user else username)
    if not _phone_matches(user, phone):
        _refuse_code(user, "no matching patient")
    try:
        phone_codes.verify_code(phone, code, purpose=PURPOSE)
    except ValidationError as exc:
        _refuse_code(user, exc.code)
    change_password(user, new_password, actor=user)  # rotates the session token, revokes tokens
    user.failed_login_count = 0
    user.locked_until = None
    login_throttle.forget(user.username)
    record_audit("auth.password_reset", "user", user.id, "password reset by SMS code", actor=user)
    return user


def _refuse_code(user: User | None, why: str) -> NoReturn:
    record_audit(
        "auth.password_reset_failed",
        "user",
        user.id if user else "-",
        f"reset code refused: {why}",
        actor=user,
    )
    raise CodeRefusedError("the code is wrong or no longer valid", fields={"code": ["refused"]})


# Temporary passwords: no look-alike characters (0/O, 1/l/I), read out or typed from a note.
_LETTERS = "abcdefghjkmnpqrstuvwxyz"
_DIGITS = "23456789"
TEMPORARY_LENGTH = 12


def temporary_password() -> str:
    """A random password that meets the policy: letters and digits in groups of four."""
    alphabet = _LETTERS + _LETTERS.upper() + _DIGITS
    while True:
        chars = [secrets.choice(alphabet) for _ in range(TEMPORARY_LENGTH)]
        text = "".join(chars)
        if any(c in _DIGITS for c in text) and any(c in string.ascii_letters for c in text):
            return "-".join(text[i : i + 4] for i in range(0, TEMPORARY_LENGTH, 4))


def reset_staff_password(user: User, actor: User) -> str:
    """An administrator gives a staff member a temporary password (returned once, shown to the
    administrator only); every session and token of theirs ends and the next sign-in must
    choose a new password. Patients reset their own by SMS; administrators do not reset their own
    account here. Flushes."""
    if user.role == Role.PATIENT:
        raise PermissionDeniedError("patients reset their password by SMS", "patient_account")
    if user.id == actor.id:
        raise PermissionDeniedError("change your own password yourself", "own_account")
    temporary = temporary_password()
    user.password_hash = generate_password_hash(temporary)
    user.must_change_password = True
    user.session_token = new_session_token()
    user.failed_login_count = 0
    user.locked_until = None
    login_throttle.forget(user.username)
    revoke_all_tokens(user)
    record_audit(
        "user.password_reset_by_admin",
        "user",
        user.id,
        f"temporary password set for {user.username}; must change at next sign-in",
        actor=actor,
    )
    db.session.flush()
    return temporary


def replace_temporary_password(user: User, new_password: str) -> None:
    """The user chooses their own password after an administrator's reset; the flag clears."""
    if check_password_hash(user.password_hash, new_password or ""):
        raise ValidationError(
            "choose a password different from the temporary one",
            "same_as_temporary",
            {"password": ["same_as_temporary"]},
        )
    change_password(user, new_password, actor=user)
    user.must_change_password = False
    record_audit(
        "user.temporary_password_replaced",
        "user",
        user.id,
        "temporary password replaced by the user",
        actor=user,
    )
    db.session.flush()
