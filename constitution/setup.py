"""Everything the constitution domain brings to the app (the one seam, see tcm_app/domains.py):
the constitution questionnaires (中医体质测评) and their scoring, the patient's pages, the
doctor's panel, 治未病 care plans, `flask constitution`."""

from flask_babel import lazy_gettext as _l

from constitution import labels, models, tasks  # noqa: F401  (tables; the reminder task)
from constitution.api.routes import bp as api_bp
from constitution.cli import constitution_cli
from constitution.services import demo, scales
from constitution.views import bp
from tcm_app.api.blueprint import register_api
from tcm_app.labels import register_labels
from tcm_app.navigation import NavEntry, add_navigation
from tcm_app.panels import ENCOUNTER, WORKBENCH, Panel, add_panels
from tcm_app.services.demo import add_demo_seed
from tcm_app.stylesheets import add_stylesheet
from tcm_app.views.audit_labels import register_audit_labels


def init_app(app) -> None:
    register_labels(labels.LABELS, labels.ERROR_MESSAGES)
    register_audit_labels(labels.AUDIT_ACTIONS, labels.AUDIT_OBJECTS)
    scales.all_scales()  # a scale file that fails validation stops the start here
    add_stylesheet(app, "constitution.static", "constitution.css")
    add_navigation(
        app,
        NavEntry(
            "patient", "constitution.my_assessments", _l("My constitution"), 70, "constitution."
        ),
    )
    app.register_blueprint(bp)
    register_api(api_bp)
    add_panels(
        app,
        Panel(ENCOUNTER, "constitution/_encounter_constitution.html", 25),  # after the tongue
        Panel(WORKBENCH, "constitution/_workbench_requests.html", 50),
    )
    app.cli.add_command(constitution_cli)
    add_demo_seed(app, demo.seed_demo, 50)  # demo-patient's two questionnaires and care plan
