"""Celery runs in-process by default: a task queued with delay() runs at once, in an app context."""

from tcm_app.extensions import db
from tcm_app.services.audit import record_audit, verify_audit_chain
from tcm_app.tasks import verify_audit_chain_task


def test_embedded_celery_runs_tasks_in_process(app):
    already = verify_audit_chain().checked  # the test database starts with the catalogue import
    record_audit("test.action", "thing", 1, "entry")
    db.session.commit()
    result = verify_audit_chain_task.delay()
    assert app.extensions["celery"].conf.task_always_eager is True
    assert result.get() == {"intact": True, "checked": already + 1, "first_broken_id": None}
