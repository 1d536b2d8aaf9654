"""The quality office over the API: a day's figures for the provincial supervision platform
(监管平台), pulled with a quality officer's or an administrator's token."""

from datetime import date

from flask import Blueprint, jsonify, request

from quality.api.schemas import DailyFiguresSchema  # noqa: F401  (named in the OpenAPI document)
from quality.services import export, figures
from tcm_app.api.blueprint import api_roles
from tcm_app.common.errors import NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services.audit import record_audit

# Nested under the core API (/api/v1) by setup.py; its endpoints are api.quality.<name>.
bp = Blueprint("quality", __name__)


def _day() -> date:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError as exc:
        fields = {"day": ["figures_day_required"]}
        raise ValidationError("give the day as YYYY-MM-DD", "figures_day_required", fields) from exc


@bp.route("/quality/daily-figures")
@api_roles(Role.QUALITY, Role.ADMIN)
def quality_daily_figures():
    """A day's daily figures per hospital, department and doctor, from its latest run: field
    codes with their units and definitions, then one row per scope. 404 when the day has not
    been computed.
    ---
    get:
      summary: Read a day's daily figures (每日指标)
      parameters:
        - in: query
          name: day
          required: true
          schema: {type: string, format: date}
      responses:
        200:
          content:
            application/json:
              schema: DailyFiguresSchema
    """
    day = _day()
    run = figures.latest_run(day)
    if run is None:
        raise NotFoundError("no figures have been computed for this day", "no_figures")
    record_audit(
        "quality.figures_export", "quality_figure_run", run.id, f"api of {day}",
        {"day": day.isoformat(), "format": "api"},
    )  # fmt: skip
    db.session.commit()
    return jsonify(export.as_dict(run))
