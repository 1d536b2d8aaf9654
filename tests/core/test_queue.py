"""Tasks queued by name leave only when the unit of work commits: never for a rollback, once per
commit; in the embedded (eager) mode they run in their own session and see the committed rows."""

import pytest

from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.services.queue import enqueue
from tests.factories import create_user


@pytest.fixture
def runs(app):
    """A task that records, for each run, whether it saw the user and in which session."""
    seen = []

    @app.extensions["celery"].task(name="tests.look_for_user", shared=False)
    def look_for_user(user_id, note=None):
        seen.append((db.session.get(User, user_id) is not None, db.session(), note))

    return seen


def test_a_task_queued_before_the_commit_runs_after_it_exactly_once(app, runs):
    user = create_user()
    enqueue("tests.look_for_user", user.id, note="hello")
    assert runs == []  # flushed, not committed: nothing is sent yet
    db.session.commit()
    db.session.commit()  # a later commit does not send it again
    assert [(found, note) for found, _, note in runs] == [(True, "hello")]


def test_the_eager_task_runs_in_its_own_session_and_sees_the_committed_row(app, runs):
    user = create_user(full_name="新病人")
    enqueue("tests.look_for_user", user.id)
    db.session.commit()
    [(found, task_session, _)] = runs
    assert found and task_session is not db.session()
    assert db.session.get(User, user.id).full_name == "新病人"  # the caller's session still works


def test_a_rolled_back_unit_of_work_sends_nothing(app, runs):
    user_id = create_user().id
    db.session.commit()
    enqueue("tests.look_for_user", user_id)
    db.session.rollback()
    db.session.commit()
    assert runs == []


def test_a_request_that_fails_sends_nothing(app, runs):
    user_id = create_user().id
    db.session.commit()

    def enqueue_then_refuse():
        enqueue("tests.look_for_user", user_id)
        raise ValidationError("refused", "invalid")

    app.add_url_rule("/test-enqueue-then-refuse", view_func=enqueue_then_refuse)
    assert app.test_client().get("/test-enqueue-then-refuse").status_code == 422
    db.session.commit()
    assert runs == []


def test_a_closed_session_forgets_its_tasks(app, runs):
    user_id = create_user().id
    db.session.commit()
    enqueue("tests.look_for_user", user_id)
    db.session.close()
    db.session.commit()
    assert runs == []


def test_an_unknown_task_name_fails_inside_the_unit_of_work(app):
    with pytest.raises(KeyError):
        enqueue("tests.no_such_task")


def test_a_failing_task_leaves_the_commit_standing(app, caplog):
    @app.extensions["celery"].task(name="tests.fail", shared=False)
    def fail():
        raise RuntimeError("worker trouble")

    user_id = create_user(full_name="留下").id
    enqueue("tests.fail")
    db.session.commit()
    assert "tests.fail" in caplog.text
    db.session.expunge_all()
    assert db.session.get(User, user_id).full_name == "留下"
