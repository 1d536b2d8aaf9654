"""Accounts, roles, departments, staff profiles and API tokens."""

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tcm_app.extensions import db
from tcm_app.models.types import EncryptedString, UTCDateTime, utcnow


class Role(StrEnum):
    PATIENT = "patient"
    DOCTOR = "doctor"
    PHARMACIST = "pharmacist"
    DECOCTION = "decoction"
    CLINIC = "clinic"
    ADMIN = "admin"
    QUALITY = "quality"  # the quality officer (质控): reactions, ratings, complaints, figures


STAFF_ROLES = frozenset(Role) - {Role.PATIENT}


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # A separate secret for electronic signatures (prescriptions, reviews): signing is a personal
    # act that a borrowed open session must not be able to perform.
    signing_password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), index=True)
    full_name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(EncryptedString)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Wrong signing passwords in a row; signing is locked until `signing_locked_until` (or an
    # administrator unlocks it) once the limit is reached.
    signing_failed_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    signing_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when an administrator resets a staff password: the next sign-in must choose a new one.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    # Rotated on password change or deactivation so that every open session ends.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    preferred_locale: Mapped[str | None] = mapped_column(String(16))
    # 长辈模式: larger type, higher contrast, the main tasks as large buttons (issue 22). The
    # patient switches it on once and it stays on, on every device they sign in from.
    elder_mode: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    doctor_profile: Mapped["DoctorProfile | None"] = relationship(
        back_populates="user", foreign_keys="DoctorProfile.user_id"
    )
    pharmacist_profile: Mapped["PharmacistProfile | None"] = relationship(back_populates="user")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class Department(db.Model):
    """A clinical department, mirroring the clinic's offline departments (科室)."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DoctorTitle(StrEnum):
    CHIEF = "chief"  # 主任医师
    ASSOCIATE_CHIEF = "associate_chief"  # 副主任医师
    ATTENDING = "attending"  # 主治医师
    RESIDENT = "resident"  # 医师


class DoctorProfile(db.Model):
    __tablename__ = "doctor_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    licence_number: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(32))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    years_independent_practice: Mapped[int] = mapped_column(Integer)
    online_enabled: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="doctor_profile", foreign_keys=[user_id])
    department: Mapped[Department] = relationship()


class PharmacistProfile(db.Model):
    __tablename__ = "pharmacist_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    licence_number: Mapped[str] = mapped_column(String(32), unique=True)

    user: Mapped[User] = relationship(back_populates="pharmacist_profile")


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Failed sign-ins counted per username and source address together, so that a stranger
    guessing from one address slows only themselves down: the owner signing in from elsewhere is
    not locked out. Each lock lasts longer than the one before (`locks` so far)."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("username", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(45))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locks: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
