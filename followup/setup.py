"""Everything the follow-up domain brings to the app (the one seam, see tcm_app/domains.py):
follow-up plans (随访) with questionnaires on the questionnaire engine, photos and revisit
reminders, alerts and the doctor's follow-up list, contact records; adverse reactions (不良反应)
for the pharmacists and the quality office."""

from flask_babel import lazy_gettext as _l

from followup import labels, models, tasks  # noqa: F401  (tables; the reminder task)
from followup.api.routes import bp as api_bp
from followup.services import catalogue, demo
from followup.views import display, doctor, patient, reactions  # noqa: F401  (routes)
from followup.views.blueprint import bp
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
    catalogue.load_all()  # a questionnaire or template file that fails its checks stops the start
    add_stylesheet(app, "followup.static", "followup.css")
    add_navigation(
        app,
        NavEntry("patient", "followup.my_plans", _l("My follow-up"), 75, "followup."),
        NavEntry("doctor", "followup.worklist_page", _l("Follow-up"), 15, "followup."),
        NavEntry("pharmacist", "followup.reactions_page", _l("Adverse reactions"), 15),
        NavEntry("quality", "followup.reactions_page", _l("Adverse reactions"), 20),
    )
    app.register_blueprint(bp)
    register_api(api_bp)
    add_panels(
        app,
        Panel(ENCOUNTER, "followup/_encounter_followup.html", 85),  # near the end of the visit
        Panel(WORKBENCH, "followup/_workbench_followup.html", 45),
    )
    add_demo_seed(app, demo.seed_demo, 60)  # demo-patient's plan after the 理中汤 visit
