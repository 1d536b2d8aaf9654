"""Queue a task by its registered name, sent only once the caller's unit of work commits.

A service never imports its own task module (the task module imports the service), so no import
cycle hides behind a function-local import; the task modules are imported once, when the app is
created, which registers every task by name. A service only flushes: `enqueue` notes the task on
the session, and the session's commit sends it. A worker therefore never looks for a row that is
not committed yet, and a request that rolls back (or never commits) sends nothing.

In the embedded mode (always eager) a sent task runs at once, inside the commit's `after_commit`
hook. That is safe because the committing session emits no more SQL: the task body runs in its own
app context (`celery_init_app`), hence its own session, after the commit has ended the first
session's transaction (SQLite allows one writer), and it sees the committed rows. The hook runs
before SQLAlchemy expires the caller's objects, so the caller reads the task's work afterwards."""

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from tcm_app.extensions import db

PENDING = "tcm_pending_tasks"  # the key in session.info


def enqueue(task_name: str, *args, **kwargs) -> None:
    """Send the task when the current session commits (once); drop it if that never happens.

    An unknown name fails here, inside the unit of work, rather than after the commit."""
    task = current_app.extensions["celery"].tasks[task_name]
    session = db.session()
    if not session.in_transaction():  # so that a rollback or close right after still drops it
        session.begin()
    session.info.setdefault(PENDING, []).append((task, args, kwargs))


def listen_for_commits() -> None:
    """Hook the dispatch onto the app's sessions once (create_app runs for every test app)."""
    if not event.contains(db.session, "after_commit", _send_pending):
        event.listen(db.session, "after_commit", _send_pending)
        event.listen(db.session, "after_transaction_end", _drop_unsent)


def _send_pending(session: Session) -> None:
    pending = session.info.pop(PENDING, [])
    for task, args, kwargs in pending:
        try:
            task.apply_async(args, kwargs)
        except Exception:  # the commit stands; a worker, a retry or the next request redoes it
            current_app.logger.exception("task %s %r was not sent", task.name, args)


def _drop_unsent(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit (rollback or close): forget its tasks."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
