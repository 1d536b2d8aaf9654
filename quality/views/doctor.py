"""The doctor's own ratings and figures (我的评价与指标), and the appeal against a rating."""

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quality import rules
from quality.forms import AppealForm
from quality.labels import FIGURE_LABELS
from quality.services import figures, ratings
from quality.views.blueprint import bp
from tcm_app.models.accounts import Role
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required


@bp.get("/doctor")
@roles_required(Role.DOCTOR)
def my_figures():
    count, mean = ratings.doctor_summary(current_user)
    return render_template(
        "quality/doctor.html",
        ratings=ratings.doctor_ratings(current_user),
        count=count,
        mean=mean,
        history=[(d.isoformat(), v) for d, v in figures.doctor_history(current_user.id)],
        figure_codes=rules.FIGURE_CODES,
        figure_names=FIGURE_LABELS,
    )


@bp.route("/ratings/<int:rating_id>/appeal", methods=["GET", "POST"])
@roles_required(Role.DOCTOR)
def appeal(rating_id: int):
    rating = ratings.own_rating(current_user, rating_id)
    form = AppealForm()

    def render(status: int):
        return render_template("quality/appeal.html", form=form, rating=rating), status

    return form_action(
        form,
        lambda: ratings.appeal(current_user, rating_id, form.reason.data),
        render,
        done=_("Your appeal is filed; the quality office decides it."),
        then=url_for(".my_figures"),
        invalid_status=422,
        refused_status=422,
    )
