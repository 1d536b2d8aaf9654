"""The quality officer's desk (their home): open appeals, complaints by due time (overdue
marked), and the pages to decide an appeal and to work a complaint to its answer."""

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quality import rules
from quality.forms import AnswerForm, DecisionForm, StepForm
from quality.services import complaints, ratings
from quality.views.blueprint import bp
from tcm_app.models.accounts import Role
from tcm_app.services.clock import utc_now
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required


def overdue(complaint) -> bool:
    return rules.is_overdue(complaint.due_at, utc_now(), complaint.status != rules.COMPLAINT_FILED)


@bp.get("/")
@roles_required(Role.QUALITY)
def desk():
    return render_template(
        "quality/desk.html",
        appeals=ratings.open_appeals(),
        complaints=complaints.open_complaints(),
        answered=complaints.recent_answered(),
        overdue=overdue,
    )


@bp.route("/appeals/<int:appeal_id>", methods=["GET", "POST"])
@roles_required(Role.QUALITY)
def appeal_decide(appeal_id: int):
    row = ratings.appeal_by_id(appeal_id)
    form = DecisionForm()

    def render(status: int):
        return render_template("quality/appeal_decide.html", form=form, appeal=row), status

    return form_action(
        form,
        lambda: ratings.decide(
            current_user, appeal_id, form.decision.data == "uphold", form.reason.data
        ),
        render,
        done=_("The decision is recorded and the doctor is told."),
        then=url_for(".desk"),
        invalid_status=422,
        refused_status=422,
    )


def _complaint_page(complaint_id: int, step_form, answer_form, status: int):
    found = complaints.complaint(complaint_id)
    page = render_template(
        "quality/complaint_handle.html", complaint=found, step_form=step_form,
        answer_form=answer_form, overdue=overdue(found),
    )  # fmt: skip
    return page, status


@bp.get("/complaints/<int:complaint_id>/handle")
@roles_required(Role.QUALITY)
def complaint_handle(complaint_id: int):
    return _complaint_page(complaint_id, StepForm(), AnswerForm(), 200)


@bp.post("/complaints/<int:complaint_id>/steps")
@roles_required(Role.QUALITY)
def complaint_step(complaint_id: int):
    form = StepForm()
    return form_action(
        form,
        lambda: complaints.add_step(current_user, complaint_id, form.kind.data, form.text.data),
        lambda status: _complaint_page(complaint_id, form, AnswerForm(), status),
        done=_("The step is recorded."),
        then=url_for(".complaint_handle", complaint_id=complaint_id),
        invalid_status=422,
        refused_status=422,
    )


@bp.post("/complaints/<int:complaint_id>/answer")
@roles_required(Role.QUALITY)
def complaint_answer(complaint_id: int):
    form = AnswerForm()
    return form_action(
        form,
        lambda: complaints.answer(current_user, complaint_id, form.answer.data),
        lambda status: _complaint_page(complaint_id, StepForm(), form, status),
        done=_("The answer is sent to the patient."),
        then=url_for(".complaint_handle", complaint_id=complaint_id),
        invalid_status=422,
        refused_status=422,
    )
