"""Failed sign-ins counted per username and source address together (issue 15, finding 8).

A stranger guessing one username from one address locks only that pair: the owner signing in from
another address is not locked out. Each lock of a pair lasts twice as long as the one before (1, 2,
4, 8 … minutes, capped at LOGIN_LOCKOUT_MINUTES). Unknown usernames are counted the same way, so a
lock says nothing about whether the account exists.

A safety net across all sources (the row with source "*") locks a username after
LOGIN_USERNAME_MAX_FAILURES failures in a row from anywhere, so that a guess spread over many
addresses is still slowed. Its threshold is far above one pair's, so a stranger must spend many
addresses, or many growing locks, to lock the owner out; it applies to unknown names too.

The source is `request.remote_addr`: behind a reverse proxy that is the proxy's address unless
TCM_TRUSTED_PROXIES names the proxy hops (tcm_app/views/rate_limits.py applies ProxyFix), else every
client shares one pair per username.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tcm_app.extensions import db
from tcm_app.models.accounts import LoginThrottle

ALL_SOURCES = "*"
FIRST_LOCK_MINUTES = 1
# A pair quiet this long starts again from the shortest lock.
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Failure:
    """What one failed sign-in did: the failures so far and the lock it started, if any."""

    failures: int
    locked_minutes: int | None


def lock_minutes(locks: int, cap: int) -> int:
    """The length of a pair's n-th lock: 1, 2, 4, 8 … minutes, never more than the cap."""
    return min(FIRST_LOCK_MINUTES * 2 ** min(locks - 1, 30), cap)


def minutes_to_wait(username: str, source: str | None, now: datetime) -> int | None:
    """Whole minutes left on the pair's or the username's lock (the longer), or None."""
    until = [
        row.locked_until
        for row in _rows(username, source)
        if row is not None and row.locked_until and row.locked_until > now
    ]
    if not until:
        return None
    return max(1, math.ceil((max(until) - now).total_seconds() / 60))


def count_failure(username: str, source: str | None, now: datetime) -> Failure:
    """One more failure for the pair and for the username across all sources."""
    pair_limit = current_app.config["LOGIN_MAX_FAILURES"]
    pair = _count(_row(username, source), pair_limit, now)
    everywhere = _count(
        _row(username, ALL_SOURCES), current_app.config["LOGIN_USERNAME_MAX_FAILURES"], now
    )
    db.session.flush()
    return Failure(pair.failures, pair.locked_minutes or everywhere.locked_minutes)


def reset(username: str, source: str | None) -> None:
    """A success from this address: the pair and the username's count start again."""
    for row in _rows(username, source):
        if row is not None:
            row.failures, row.locks, row.locked_until = 0, 0, None


def forget(username: str) -> None:
    """A new password (reset by SMS or by an administrator): every lock on the username ends, from
    every address, so the owner can sign in with it at once."""
    for row in db.session.scalars(
        select(LoginThrottle).where(LoginThrottle.username == _key(username, None)[0])
    ):
        row.failures, row.locks, row.locked_until = 0, 0, None


def _count(row: LoginThrottle, limit: int, now: datetime) -> Failure:
    if row.updated_at and row.updated_at < now - FORGET_AFTER:
        row.failures, row.locks = 0, 0
    row.failures += 1
    row.updated_at = now
    failures = row.failures
    if failures < limit:
        return Failure(failures, None)
    row.locks += 1
    minutes = lock_minutes(row.locks, current_app.config["LOGIN_LOCKOUT_MINUTES"])
    row.locked_until = now + timedelta(minutes=minutes)
    row.failures = 0
    return Failure(failures, minutes)


def _key(username: str, source: str | None) -> tuple[str, str]:
    return username[:64], (source or "-")[:45]


def _find(username: str, source: str | None) -> LoginThrottle | None:
    username, source = _key(username, source)
    return db.session.scalar(
        select(LoginThrottle).where(
            LoginThrottle.username == username, LoginThrottle.source == source
        )
    )


def _rows(username: str, source: str | None) -> list[LoginThrottle | None]:
    return [_find(username, source), _find(username, ALL_SOURCES)]


def _row(username: str, source: str | None) -> LoginThrottle:
    """The pair's row, created on its first failure (a concurrent first failure wins the race)."""
    row = _find(username, source)
    if row is not None:
        return row
    username, source = _key(username, source)
    row = LoginThrottle(username=username, source=source, failures=0, locks=0)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        winner = _find(username, source)
        if winner is None:  # not a lost race after all
            raise
        return winner
    return row
