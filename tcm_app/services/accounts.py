"""Accounts: sign-in with lock-out, staff creation by an admin, API bearer tokens."""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from tcm_app.common.errors import (
    AuthenticationError,
    ConflictError,
    LockedError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from tcm_app.common.online_care import may_enable_online
from tcm_app.common.passwords import password_problems
from tcm_app.extensions import db
from tcm_app.models.accounts import (
    STAFF_ROLES,
    ApiToken,
    Department,
    DoctorProfile,
    DoctorTitle,
    PharmacistProfile,
    Role,
    User,
    new_session_token,
)
from tcm_app.models.types import utcnow
from tcm_app.services import login_throttle, token_cache
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import to_clinic

# A hash to compare against when the username does not exist, so timing does not reveal it.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0")


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalise_username(username)))


def authenticate(username: str, password: str, source: str | None) -> User:
    """Check a password; failures are counted per username and source address (login_throttle).

    Raises AuthenticationError (code invalid_credentials, or account_locked while this username is
    locked from this source). The answers are the same whether or not the username exists.
    Audits every outcome."""
    name = normalise_username(username)
    user = find_user(name)
    now = utcnow()
    refuse_while_throttled(name, user, source, now)
    # Always one real hash check (a dummy one for unknown names), so that timing does not tell
    # whether a name exists or is deactivated.
    matches = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    if user is None or not user.active or not matches:
        count_login_failure(name, user, source, now)
        raise AuthenticationError("invalid username or password", "invalid_credentials")
    login_throttle.reset(name, source)
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    record_audit("auth.login", "user", user.id, "signed in", actor=user)
    return user


def refuse_while_throttled(name: str, user: User | None, source: str | None, now) -> None:
    """While the name is locked from this source, even the right password is refused unchecked."""
    minutes = login_throttle.minutes_to_wait(name, source, now)
    if minutes is None:
        return
    record_audit(
        "auth.login_refused",
        "user",
        user.id if user else "-",
        f"too many failed sign-ins for {name[:64]!r} from {source}; {minutes} minutes left",
        actor=user,
    )
    raise AuthenticationError(
        f"too many failed sign-ins; try again in {minutes} minutes",
        "account_locked",
        params={"minutes": minutes},
    ).keeping_changes()  # the audit entry of the refusal


def count_login_failure(name: str, user: User | None, source: str | None, now) -> None:
    """A wrong password (or an unknown name) counts against the name from this source."""
    failure = login_throttle.count_failure(name, source, now)
    summary = f"wrong password from {source} ({failure.failures} in a row)"
    if failure.locked_minutes:
        summary += f"; locked for {failure.locked_minutes} minutes"
    if user is None:
        summary = f"unknown username {name[:64]!r}: " + summary
    else:
        user.failed_login_count += 1  # in a row from anywhere; shown to administrators
    record_audit("auth.login_failed", "user", user.id if user else "-", summary, actor=user)
    db.session.flush()


def check_new_password(password: str, username: str) -> None:
    problems = password_problems(password, username)
    if problems:
        raise ValidationError("password is too weak", "weak_password", {"password": problems})


def new_user(username: str, password: str, role: Role, full_name: str, actor=None) -> User:
    """Create an account after checking the name is free and the password is strong."""
    username = normalise_username(username)
    if not username or len(username) > 64:
        raise ValidationError("username is required", fields={"username": ["required"]})
    if find_user(username):
        raise ConflictError("username already taken", "username_taken")
    check_new_password(password, username)
    user = User(
        username=username,
        password_hash=generate_password_hash(password),
        role=role,
        full_name=full_name.strip(),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_staff(username, password, role, full_name, actor=None, **profile) -> User:
    """An admin creates a staff account; doctors and pharmacists also get their profile."""
    role = Role(role)
    if role not in STAFF_ROLES:
        raise ValidationError("staff role required", "invalid_role", {"role": ["invalid"]})
    user = new_user(username, password, role, full_name, actor)
    if role == Role.DOCTOR:
        add_doctor_profile(user, **profile)
    elif role == Role.PHARMACIST:
        _require(profile, "licence_number")
        db.session.add(PharmacistProfile(user=user, licence_number=profile["licence_number"]))
    record_audit(
        "user.create",
        "user",
        user.id,
        f"created {role} account {user.username}",
        {"role": role},
        actor=actor,
    )
    db.session.flush()
    return user


def add_doctor_profile(
    user, licence_number, title, department_code, years_independent_practice, online_enabled=False
) -> DoctorProfile:
    _require(
        {"licence_number": licence_number, "department_code": department_code},
        "licence_number",
        "department_code",
    )
    department = db.session.scalar(select(Department).where(Department.code == department_code))
    if department is None:
        raise ValidationError("unknown department", fields={"department_code": ["unknown"]})
    if online_enabled and not may_enable_online(years_independent_practice):
        raise ValidationError(
            "online care needs at least 3 years of independent practice",
            "online_practice_years",
            {"online_enabled": ["min_years"]},
        )
    profile = DoctorProfile(
        user=user,
        licence_number=licence_number,
        title=DoctorTitle(title),
        department=department,
        years_independent_practice=years_independent_practice,
        online_enabled=online_enabled,
    )
    db.session.add(profile)
    return profile


def _require(values: dict, *keys) -> None:
    missing = [k for k in keys if not values.get(k)]
    if missing:
        raise ValidationError("missing fields", fields={k: ["required"] for k in missing})


def set_online_enabled(doctor: User, enabled: bool, actor) -> None:
    profile = doctor.doctor_profile
    if profile is None:
        raise NotFoundError("not a doctor")
    if enabled and not may_enable_online(profile.years_independent_practice):
        raise ValidationError(
            "online care needs at least 3 years of independent practice", "online_practice_years"
        )
    profile.online_enabled = enabled
    record_audit(
        "doctor.online_enabled",
        "user",
        doctor.id,
        f"online care {'on' if enabled else 'off'}",
        actor=actor,
    )


def set_active(user: User, active: bool, actor) -> None:
    """Deactivating ends every session and token at once; accounts are never deleted."""
    user.active = active
    user.session_token = new_session_token()
    if not active:
        revoke_all_tokens(user)
    record_audit(
        "user.set_active", "user", user.id, "activated" if active else "deactivated", actor=actor
    )


def change_password(user: User, new_password: str, actor) -> None:
    check_new_password(new_password, user.username)
    user.password_hash = generate_password_hash(new_password)
    user.session_token = new_session_token()
    revoke_all_tokens(user)
    record_audit("user.password", "user", user.id, "password changed", actor=actor)


def sign_out(user: User) -> None:
    """Signing out ends the session on the server: a new session token makes every copy of the
    old cookie worthless. The token is per user, so this ends all of the user's browser sessions
    (other devices sign in again); API bearer tokens are revoked on their own (DELETE
    /auth/token)."""
    user.session_token = new_session_token()
    record_audit("auth.logout", "user", user.id, "signed out", actor=user)


def load_session_user(session_id: str) -> User | None:
    """Flask-Login loader: the id carries the session token so rotation ends old sessions."""
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    """A new bearer token; the plain value is returned once and only its digest is stored."""
    plain = secrets.token_urlsafe(32)
    hours = current_app.config["API_TOKEN_HOURS"]
    token = ApiToken(
        user=user, token_digest=_token_digest(plain), expires_at=utcnow() + timedelta(hours=hours)
    )
    db.session.add(token)
    db.session.flush()
    record_audit("auth.token_issued", "api_token", token.id, "API token issued", actor=user)
    return plain, token


def resolve_token(plain: str) -> ApiToken | None:
    """The live token for `plain`, its user loaded by the same query (one round trip: this runs
    on every API request), or recalled without one when this process resolved it a moment ago
    (token_cache); None when unknown, revoked, expired or its user is inactive."""
    digest = _token_digest(plain)
    token = token_cache.recall(digest)
    if token is not None:
        return token
    token = db.session.scalar(
        select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.token_digest == digest)
    )
    if token is None or token.revoked_at or token.expires_at <= utcnow() or not token.user.active:
        return None
    token_cache.remember(digest, token)
    return token


def revoke_token(token: ApiToken) -> None:
    token.revoked_at = utcnow()
    record_audit("auth.token_revoked", "api_token", token.id, "API token revoked", actor=token.user)


def revoke_all_tokens(user: User) -> None:
    now = utcnow()
    for token in db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now


SIGNING_ROLES = frozenset({Role.DOCTOR, Role.PHARMACIST})


def set_signing_password(
    user: User, login_password: str, signing_password: str, source: str | None
) -> None:
    """Set the personal e-signature password; proving the login password first.

    The login password is checked like a sign-in: a wrong one counts towards the sign-in lock of
    this username from this source (so this is no unlimited oracle for it), and while locked
    the answer is the locked sign-in's."""
    if user.role not in SIGNING_ROLES:
        raise PermissionDeniedError("only doctors and pharmacists sign")
    now = utcnow()
    refuse_while_throttled(user.username, user, source, now)
    if not check_password_hash(user.password_hash, login_password or ""):
        count_login_failure(user.username, user, source, now)
        raise ValidationError("the login password is wrong", "wrong_password").keeping_changes()
    login_throttle.reset(user.username, source)
    user.failed_login_count = 0
    check_new_password(signing_password, user.username)
    if check_password_hash(user.password_hash, signing_password):
        raise ValidationError(
            "the signing password must differ from the login password", "same_as_login"
        )
    user.signing_password_hash = generate_password_hash(signing_password)
    record_audit("account.signing_password", "user", user.id, "signing password set", actor=user)


def check_signing_password(user: User, signing_password: str) -> bool:
    if not user.signing_password_hash:
        check_password_hash(_DUMMY_HASH, signing_password or "")
        return False
    return check_password_hash(user.signing_password_hash, signing_password or "")


def require_signing_password(user: User, signing_password: str) -> None:
    """The personal signature, guarded against guessing: SIGNING_MAX_FAILURES wrong passwords in
    a row lock signing for SIGNING_LOCKOUT_MINUTES (or until an administrator unlocks it).

    Raises PermissionDeniedError `bad_signature` or LockedError `signing_locked`; both keep their
    count and audit entries although the signing they refuse is rolled back. Call it before the
    signing changes anything."""
    now = utcnow()
    if (locked_until := _signing_lock_end(user, now)) is not None:
        raise _signing_locked_error(locked_until)
    if check_signing_password(user, signing_password):
        user.signing_failed_count = 0
        return
    user.signing_failed_count += 1
    record_audit(
        "signing.failed",
        "user",
        user.id,
        f"wrong signing password ({user.signing_failed_count} in a row)",
        actor=user,
    )
    if user.signing_failed_count >= current_app.config["SIGNING_MAX_FAILURES"]:
        locked_until = _lock_signing(user, now)
        db.session.flush()
        raise _signing_locked_error(locked_until).keeping_changes()
    db.session.flush()
    raise PermissionDeniedError("the signing password is wrong", "bad_signature").keeping_changes()


def signing_locked(user: User, now) -> bool:
    return _signing_lock_end(user, now) is not None


def _signing_lock_end(user: User, now) -> datetime | None:
    """When the user's signing lock ends; None while signing is not locked."""
    until = user.signing_locked_until
    return until if until and until > now else None


def _lock_signing(user: User, now) -> datetime:
    minutes = current_app.config["SIGNING_LOCKOUT_MINUTES"]
    until = now + timedelta(minutes=minutes)
    user.signing_locked_until = until
    user.signing_failed_count = 0
    record_audit(
        "signing.locked",
        "user",
        user.id,
        f"signing locked for {minutes} minutes after repeated wrong signing passwords",
        actor=user,
    )
    return until


def _signing_locked_error(locked_until: datetime) -> LockedError:
    until = to_clinic(locked_until).strftime("%Y-%m-%d %H:%M")
    return LockedError(
        f"signing is locked after repeated wrong signing passwords until {until} (clinic time); "
        "an administrator can unlock it",
        "signing_locked",
        params={"until": until},
    )


def unlock_signing(user: User, actor: User) -> None:
    """An administrator ends a signing lock before its time (the signer asked, in person)."""
    user.signing_locked_until = None
    user.signing_failed_count = 0
    record_audit("signing.unlocked", "user", user.id, "signing unlocked", actor=actor)
