"""The form-action helper: a valid form runs the service, commits, flashes and redirects; a refusal
is shown in Chinese next to its field with what was typed kept; a wrong form is drawn again."""

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.views.form_action import form_action
from tests.factories import create_user


class NameForm(FlaskForm):
    name = StringField(validators=[DataRequired()])


def run(app, data, action, method="POST", **options):
    with app.test_request_context("/x", method=method, data=data):
        form = NameForm()
        answer = form_action(form, action, lambda status: status, **options)
        return form, answer, get_flashed_messages(with_categories=True)


def test_a_valid_form_commits_flashes_and_redirects_to_what_the_service_made(app):
    _, answer, flashed = run(
        app,
        {"name": "张三"},
        lambda: create_user(full_name="张三"),
        done="已保存",
        then=lambda user: f"/users/{user.id}",
        category="success",
    )
    assert answer.status_code == 302 and answer.location.startswith("/users/")
    assert flashed == [("success", "已保存")]
    db.session.rollback()  # what was committed stays
    assert db.session.get(User, int(answer.location.rsplit("/", 1)[1])).full_name == "张三"


def test_a_refusal_is_shown_next_to_its_field_and_the_input_is_kept(app):
    def refuse():
        create_user(full_name="不该留下")
        raise ValidationError("name missing", "invalid", {"name": ["required"]})

    form, answer, flashed = run(app, {"name": "李四"}, refuse, done="-", then="/")
    assert answer == 422 and flashed == []
    assert form.name.data == "李四" and form.name.errors == ["此项为必填项。"]
    assert db.session.query(User).filter_by(full_name="不该留下").count() == 0


def test_a_refusal_without_a_field_goes_to_the_top_of_the_form(app):
    def refuse():
        raise ValidationError("the clinic is closed", "clinic_closed_test")

    form, answer, _ = run(app, {"name": "李四"}, refuse, done="-", then="/", refused_status=409)
    assert answer == 409 and form.form_errors == ["the clinic is closed"]


def test_a_refusal_that_keeps_its_own_record_is_committed(app):
    def count_then_refuse():
        create_user(full_name="计数")
        raise ValidationError("wrong password", "invalid").keeping_changes()

    run(app, {"name": "王五"}, count_then_refuse, done="-", then="/")
    db.session.rollback()
    assert db.session.query(User).filter_by(full_name="计数").count() == 1


@pytest.mark.parametrize(
    ("method", "data", "expected"),
    [("GET", {}, 200), ("POST", {}, 400)],
    ids=["an empty form to fill in", "a form that does not validate"],
)
def test_the_page_is_drawn_without_running_the_service(app, method, data, expected):
    def must_not_run():
        raise AssertionError("the service ran")

    _, answer, _ = run(app, data, must_not_run, method=method, done="-", then="/")
    assert answer == expected
