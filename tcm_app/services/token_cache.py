"""Bearer tokens this process resolved a moment ago, kept for one second.

The herb search answers as the doctor types, a request per keystroke, and looking its token up
costs more than the search: a pooled connection checked, a transaction begun, the token and its
user read and turned into objects, the transaction rolled back. For one second after a lookup,
the same token is answered from here: detached copies of the token and its user, merged into the
request's session without a statement (`merge(load=False)`), so the view sees ordinary objects
that load anything else they need as usual.

What may be stale, and for how long: a change made through this process's sessions (a token
revoked, a user deactivated, a password changed) drops the entries it touches as it is flushed,
so this process never answers a revoked token. Another process or node learns of the change when
its own entry runs out: within one second. Only valid tokens are kept; an unknown one is looked
up every time, and its guesses count against the rate limit as before."""

import threading
from datetime import datetime, timedelta

from sqlalchemy import event, inspect
from sqlalchemy.orm import InstanceState, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from tcm_app.extensions import db
from tcm_app.models.accounts import ApiToken, User
from tcm_app.models.types import utcnow

KEEP_FOR = timedelta(seconds=1)

_lock = threading.Lock()
_entries: dict[str, tuple[datetime, ApiToken, User]] = {}


def recall(digest: str) -> ApiToken | None:
    """The token resolved for `digest` less than a second ago, in the request's session."""
    entry = _entries.get(digest)
    if entry is None:
        return None
    kept_until, token, user = entry
    now = utcnow()
    if now >= kept_until or token.expires_at <= now:
        with _lock:
            _entries.pop(digest, None)
        return None
    session = db.session()
    if any(inspect(kept).key in session.identity_map for kept in (token, user)):
        return None  # the session holds them already (a script, a test): the usual lookup
    recalled = session.merge(token, load=False)
    # The relationship set as loaded (no change to flush): the session keeps only weak
    # references to clean objects, so the token is what holds its user for the request.
    set_committed_value(recalled, "user", session.merge(user, load=False))
    return recalled


def remember(digest: str, token: ApiToken) -> None:
    """Keep copies of a token found valid (and of its user) for KEEP_FOR."""
    entry = (utcnow() + KEEP_FOR, _detached_copy(token), _detached_copy(token.user))
    with _lock:
        _entries[digest] = entry


def forget_all() -> None:
    with _lock:
        _entries.clear()


def _detached_copy(instance):
    """A detached object with the same loaded columns as `instance`, sharing nothing with it."""
    mapper = inspect(instance).mapper
    copy = mapper.class_manager.new_instance()
    for column in mapper.column_attrs:
        set_committed_value(copy, column.key, getattr(instance, column.key))
    make_transient_to_detached(copy)
    return copy


@event.listens_for(Session, "after_flush")
def _forget_changed(session: Session, _context) -> None:
    """A token or user changed through this process is looked up again at once. A token's
    recorded use (written once a minute) changes nothing it answers: the copy takes the new
    time, so the next request does not write it again."""
    if not _entries:
        return
    changed = [*session.dirty, *session.deleted]
    users = {obj.id for obj in changed if isinstance(obj, User)}
    tokens = {obj.id: obj for obj in changed if isinstance(obj, ApiToken)}
    if not (users or tokens):
        return
    with _lock:
        for digest, (_until, token, user) in list(_entries.items()):
            if user.id in users:
                del _entries[digest]
            elif token.id in tokens:
                changed_token = tokens[token.id]
                if _only_use_recorded(changed_token) and changed_token not in session.deleted:
                    set_committed_value(token, "last_used_at", changed_token.last_used_at)
                else:
                    del _entries[digest]


def _only_use_recorded(token: ApiToken) -> bool:
    state: InstanceState = inspect(token)
    touched = {attr.key for attr in state.attrs if attr.history.has_changes()}
    return touched <= {"last_used_at"}
