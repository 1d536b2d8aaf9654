"""Appending to and verifying the audit log; the chain rules live in common/audit_chain.py."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, select, text
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from tcm_app.common.audit_chain import (
    GENESIS_HASH,
    ChainEntry,
    ChainReport,
    entry_digest,
    verify_chain,
)
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.models.types import utcnow
from tcm_app.services.clock import clinic_zone

# Any constant works; it names the one lock that serialises appends on PostgreSQL.
AUDIT_TAIL_LOCK = 7_421_001


def record_audit(
    action: str, obj_type: str, obj_id, summary: str, details: dict | None = None, actor=None
) -> AuditEntry:
    """Record one entry (actor, time, object, summary) and flush the action's changes; the entry
    joins the chain when the transaction commits (see `_chain_pending`), and is dropped with the
    transaction if that rolls back."""
    actor = actor if actor is not None else _current_actor()
    entry = AuditEntry(
        occurred_at=utcnow(),
        actor_id=actor.id if actor else None,
        actor_label=actor.username if actor else "system",
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        summary=summary,
        details=json.dumps(details or {}, sort_keys=True, ensure_ascii=False, default=str),
        remote_addr=(request.remote_addr or "") if has_request_context() else "",
    )
    session = db.session()
    session.info.setdefault(PENDING, []).append((_innermost(session), entry))
    session.flush()  # the action's own changes, as its service left them (versions bumped)
    return entry


def _innermost(session: Session) -> SessionTransaction:
    """The transaction (or savepoint) the entry belongs to, begun now if none has been."""
    return session.get_nested_transaction() or session.get_transaction() or session.begin()


# Appending takes the chain's tail lock, and the lock is held until the transaction ends. Taking
# it at the action would hold it for the rest of the request (a page that audits a view would
# queue every other request that audits); taking it at commit holds it only while the entries
# are written, so appends from many processes queue for milliseconds, not for whole requests.
# Nothing may take it earlier: a transaction holding the tail while it waits for another's row
# (a unique booking cell) deadlocks against that other's commit, which needs the tail.
PENDING = "tcm_audit_pending"


@event.listens_for(Session, "before_commit")
def _chain_pending(session: Session) -> None:
    """Link the transaction's entries onto the tail, in the order they were recorded."""
    if session.in_nested_transaction():
        return  # a savepoint released: its entries wait for the outer commit
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    # The transaction's own rows first, outside the lock: an insert that waits for another
    # transaction (a unique cell it also wants) must not wait while holding the tail, which
    # that transaction needs for its own commit (a deadlock).
    session.flush()
    _lock_tail(session)
    prev = (
        session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
        or GENESIS_HASH
    )
    for _transaction, entry in pending:
        entry.prev_hash = prev
        entry.entry_hash = prev = entry_digest(prev, entry.chain_content())
        session.add(entry)
        session.flush()  # one at a time: ids follow the chain's order


@event.listens_for(Session, "do_orm_execute")
def _chain_before_reading_the_log(state: ORMExecuteState) -> None:
    """A transaction that reads the log sees its own entries: they are linked first (the lock
    is then held from here, as it was before entries waited for the commit)."""
    session = state.session
    if not (state.is_select and session.info.get(PENDING)) or session.in_nested_transaction():
        return
    if any(mapper.class_ is AuditEntry for mapper in state.all_mappers):
        _chain_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """Entries recorded inside a transaction or savepoint that rolled back did not happen."""
    pending = session.info.get(PENDING)
    if pending:
        pending[:] = [
            (transaction, entry)
            for transaction, entry in pending
            if not _within(transaction, previous_transaction)
        ]


@event.listens_for(Session, "after_transaction_end")
def _forget_ended(session: Session, transaction: SessionTransaction) -> None:
    """A session closed without committing drops what it recorded."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def record_refusal(exc) -> None:
    """After a refused clinical action was rolled back, keep who tried (全程留痕) and commit."""
    if getattr(exc, "keeps_changes", False):
        db.session.commit()  # the refusal's own count (a wrong password) outlives the refusal
    if not getattr(exc, "audit", None):
        return
    db.session.rollback()
    audit = exc.audit
    details = {"code": exc.code, "message": exc.message}
    record_audit(
        audit["action"] + "_refused", audit["obj_type"], audit["obj_id"], exc.message, details
    )
    db.session.commit()


def _current_actor():
    """The signed-in user; on the API only the bearer token counts, never a browser session."""
    if not has_request_context():
        return None
    if request.path.startswith("/api/"):
        token = g.get("api_token")
        return token.user if token is not None else None
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def _lock_tail(session: Session) -> None:
    """PostgreSQL: hold a transaction lock so concurrent appends queue up instead of forking.

    SQLite needs none: its transactions begin IMMEDIATE (see register_sqlite_pragmas).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_TAIL_LOCK})


def verify_audit_chain(batch: int = 2000) -> ChainReport:
    """Recompute every hash in insertion order, streaming in batches."""
    return verify_chain(_chain_entries(batch))


def _chain_entries(batch: int):
    last_id = 0
    while True:
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield ChainEntry(row.id, row.chain_content(), row.prev_hash, row.entry_hash)
        last_id = rows[-1].id
        for row in rows:
            db.session.expunge(row)


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the audit log page: an actor, an action (with its refusals), clinic dates."""

    actor_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def audit_page(query: AuditQuery, before=None, after=None, size: int = 50):
    """One page of entries, newest first, and whether older and newer ones exist.

    Keyset paging on the primary key (`id < before` / `id > after`) with filters on indexed
    columns (actor_id, action, occurred_at): each page costs the same however deep it is."""
    stmt = select(AuditEntry).where(*_conditions(query))
    if after is not None:
        stmt = stmt.where(AuditEntry.id > after).order_by(AuditEntry.id.asc())
    else:
        if before is not None:
            stmt = stmt.where(AuditEntry.id < before)
        stmt = stmt.order_by(AuditEntry.id.desc())
    entries = list(db.session.scalars(stmt.limit(size + 1)))
    more = len(entries) > size
    entries = entries[:size]
    if after is not None:
        entries.reverse()
        return entries, True, more
    return entries, more, before is not None


def _conditions(query: AuditQuery) -> list:
    conditions = []
    if query.actor_id is not None:
        conditions.append(AuditEntry.actor_id == query.actor_id)
    if query.action:
        conditions.append(AuditEntry.action.in_([query.action, query.action + "_refused"]))
    zone = clinic_zone()
    if query.date_from:
        start = datetime.combine(query.date_from, time(0), zone).astimezone(UTC)
        conditions.append(AuditEntry.occurred_at >= start)
    if query.date_to:
        end = datetime.combine(query.date_to + timedelta(days=1), time(0), zone).astimezone(UTC)
        conditions.append(AuditEntry.occurred_at < end)
    return conditions
