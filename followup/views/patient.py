"""The patient's follow-up pages (phone first): my follow-up plans with what is due, answering
a task's questionnaire or sending its photo; and the photo shown to the patient and doctor."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from followup.forms import PhotoForm, answer_form
from followup.plan_rules import QUESTIONNAIRE, TONGUE_PHOTO
from followup.services import catalogue, plans, tasks
from followup.views.blueprint import bp
from followup.views.display import choice_label, item_text
from tcm_app.models.accounts import Role
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required
from tcm_app.views.responses import file_response
from tcm_app.views.voice import posted_voice


@bp.get("/mine")
@roles_required(Role.PATIENT)
def my_plans():
    return render_template("followup/mine.html", plans=plans.patient_plans(current_user))


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def task(task_id: int):
    task = tasks.visible_task(current_user, task_id)
    if task.kind == QUESTIONNAIRE:
        return _answer(task)
    if task.kind == TONGUE_PHOTO:
        return _photo(task)
    abort(404)


def _answer(task):
    scale = catalogue.scale(task.scale_code or "")
    form = answer_form(scale, item_text, choice_label)
    given = {item.code: form[item.code].data for item in scale.items}

    def save():
        answers = {code: value for code, value in given.items() if value is not None}
        return tasks.answer(task, current_user, answers, form.note.data or "", posted_voice())

    return form_action(
        form, save,
        lambda status: (render_template("followup/task.html", task=task, scale=scale,
                                        form=form), status),
        done=_("Thank you; your answers have reached your doctor."),
        then=url_for("followup.my_plans"), invalid_status=422,
    )  # fmt: skip


def _photo(task):
    form = PhotoForm()

    def save():
        upload = request.files.get("file")
        return tasks.add_photo(task, current_user, upload.read() if upload else b"")

    return form_action(
        form, save,
        lambda status: (render_template("followup/task.html", task=task, scale=None,
                                        form=form), status),
        done=_("Thank you; your photo has reached your doctor."),
        then=url_for("followup.my_plans"), invalid_status=422,
    )  # fmt: skip


@bp.get("/tasks/<int:task_id>/photo")
@roles_required(Role.PATIENT, Role.DOCTOR)
def task_photo(task_id: int):
    task = tasks.visible_task(current_user, task_id)
    if task.photo is None or tasks.is_voice(task.photo):
        abort(404)
    data = tasks.read_photo(task.photo)
    suffix = ".png" if task.photo.content_type == "image/png" else ".jpg"
    return file_response(data, task.photo.content_type, f"tongue-{task.id}{suffix}", inline=True)


@bp.get("/tasks/<int:task_id>/voice")
@roles_required(Role.PATIENT, Role.DOCTOR)
def task_voice(task_id: int):
    """The voice note sent with a questionnaire, played on the plan pages (patient and doctor)."""
    task = tasks.visible_task(current_user, task_id)
    if not tasks.is_voice(task.photo):
        abort(404)
    data = tasks.read_photo(task.photo)
    return file_response(data, task.photo.content_type, f"voice-{task.id}", inline=True)
