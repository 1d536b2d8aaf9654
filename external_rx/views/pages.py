"""The outside-prescription pages: the patient's (phone first) list, start, pages and sending;
the pharmacists' queue; a submission with its photos for both; each photo."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from external_rx.forms import PageForm, SendForm, StartForm
from external_rx.services import submissions
from external_rx.views.blueprint import bp
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.patients import Patient
from tcm_app.services.access import own_patient_ids
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required
from tcm_app.views.responses import file_response


def _upload() -> bytes:
    upload = request.files.get("file")
    return upload.read() if upload else b""


@bp.get("/mine")
@roles_required(Role.PATIENT)
def mine():
    return render_template(
        "external_rx/mine.html", submissions=submissions.patient_submissions(current_user)
    )


def _patients() -> list[Patient]:
    return [db.session.get(Patient, pid) for pid in own_patient_ids(current_user)]


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def new():
    people = _patients()
    if not people:  # an account without its patient record has nobody to send for
        abort(404)
    form = StartForm()
    if not form.is_submitted():
        form.patient_id.data = request.args.get("patient_id") or str(people[0].id)
    chosen = next((p for p in people if str(p.id) == form.patient_id.data), None)
    if chosen is None:
        abort(404)

    def start():
        return submissions.start(
            current_user, chosen, institution=form.institution.data or "",
            doctor_name=form.doctor_name.data or "", written_on=form.written_on.data,
            declared=bool(form.declared.data), first_page=_upload(),
        )  # fmt: skip

    return form_action(
        form, start,
        lambda status: (render_template("external_rx/new.html", form=form, patient=chosen,
                                        people=people), status),
        done=_("The first page is kept. Add more pages, then send it to the pharmacist."),
        then=lambda s: url_for("external_rx.submission", submission_id=s.id),
        invalid_status=422,
    )  # fmt: skip


def render_submission(submission, page_form=None, status=200):
    return render_template(
        "external_rx/submission.html", submission=submission,
        page_form=page_form or PageForm(), send_form=SendForm(),
    ), status  # fmt: skip


@bp.get("/<int:submission_id>")
@roles_required(Role.PATIENT, Role.PHARMACIST)
def submission(submission_id: int):
    return render_submission(submissions.visible_submission(current_user, submission_id))


@bp.post("/<int:submission_id>/pages")
@roles_required(Role.PATIENT)
def add_page(submission_id: int):
    found = submissions.visible_submission(current_user, submission_id)
    form = PageForm()
    return form_action(
        form, lambda: submissions.add_page(found, current_user, _upload()),
        lambda status: render_submission(found, form, status),
        done=_("The page is added."),
        then=url_for("external_rx.submission", submission_id=found.id), invalid_status=422,
    )  # fmt: skip


@bp.post("/<int:submission_id>/send")
@roles_required(Role.PATIENT)
def send(submission_id: int):
    found = submissions.visible_submission(current_user, submission_id)
    form = SendForm()
    return form_action(
        form, lambda: submissions.submit(found, current_user),
        lambda status: render_submission(found, None, status),
        done=_("Sent: a pharmacist checks it and you will be told here and in your messages."),
        then=url_for("external_rx.submission", submission_id=found.id), invalid_status=422,
    )  # fmt: skip


@bp.get("/<int:submission_id>/pages/<int:number>")
@roles_required(Role.PATIENT, Role.PHARMACIST)
def page_file(submission_id: int, number: int):
    found = submissions.visible_submission(current_user, submission_id)
    page = next((p for p in found.pages if p.number == number), None)
    if page is None:
        abort(404)
    suffix = {"application/pdf": ".pdf", "image/png": ".png"}.get(page.content_type, ".jpg")
    data = submissions.read_page(page)
    return file_response(data, page.content_type, f"rx-{found.id}-{number}{suffix}", inline=True)


@bp.get("/queue")
@roles_required(Role.PHARMACIST)
def queue():
    return render_template("external_rx/queue.html", submissions=submissions.waiting())
