"""Everything the quality domain brings to the app (the one seam, see tcm_app/domains.py): the
quality office (质控) — the quality officer's desk and home; patients' ratings and complaints,
doctors' appeals, the daily figures per doctor and department that the supervision platform asks
for (the operator page, the exports, the beat task, `flask quality figures`)."""

from flask_babel import lazy_gettext as _l

from quality import labels, models, tasks  # noqa: F401  (tables; the daily figures task)
from quality.api.routes import bp as api_bp
from quality.cli import quality_cli
from quality.services import demo
from quality.views import desk, doctor, figures, patient  # noqa: F401  (routes)
from quality.views.blueprint import bp
from quality.views.panels import encounter_rating
from tcm_app.api.blueprint import register_api
from tcm_app.labels import register_labels
from tcm_app.navigation import NavEntry, add_home, add_navigation
from tcm_app.panels import ENCOUNTER, Panel, add_panels
from tcm_app.services.demo import add_demo_seed
from tcm_app.stylesheets import add_stylesheet
from tcm_app.views.audit_labels import register_audit_labels


def init_app(app) -> None:
    register_labels(labels.LABELS, labels.ERROR_MESSAGES)
    register_audit_labels(labels.AUDIT_ACTIONS, labels.AUDIT_OBJECTS)
    add_stylesheet(app, "quality.static", "quality.css")
    add_navigation(
        app,
        NavEntry("quality", "quality.desk", _l("Quality desk"), 10),
        NavEntry("quality", "quality.figures_page", _l("Daily figures"), 30),
        NavEntry("admin", "quality.figures_page", _l("Daily figures"), 40),
        NavEntry("patient", "quality.my_ratings", _l("My ratings"), 80, "quality."),
        NavEntry("doctor", "quality.my_figures", _l("My ratings and figures"), 50),
    )
    app.register_blueprint(bp)
    register_api(api_bp)
    add_home(app, "quality", "quality.desk")
    add_panels(app, Panel(ENCOUNTER, "quality/_encounter_rating.html", 60))  # before the fee
    app.add_template_global(encounter_rating, "quality_encounter_rating")
    app.cli.add_command(quality_cli)
    add_demo_seed(app, demo.seed_demo, 70)  # after the follow-up seed (60) on main
