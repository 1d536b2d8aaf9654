"""Everything the herbs domain brings to the app (the one seam, see tcm_app/domains.py):
prescriptions and their tasks, the prescribing pages and API, `flask herbs`."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from herbs import labels, models, tasks  # noqa: F401  (tables; the expiry and PDF tasks)
from herbs.api.routes import bp as api_bp
from herbs.cli import herbs_cli
from herbs.services import access, demo, reference
from herbs.views import bp, medicine_hint
from tcm_app.api.blueprint import register_api
from tcm_app.common.retention import MEDICAL_RECORD
from tcm_app.labels import register_labels
from tcm_app.navigation import ElderTask, NavEntry, add_elder_task, add_home, add_navigation
from tcm_app.panels import ENCOUNTER, ENCOUNTER_PRESCRIBING, WORKBENCH, Panel, add_panels
from tcm_app.services.demo import add_demo_seed
from tcm_app.services.reference_data import add_reference_loader
from tcm_app.services.retention import RetentionKind, add_retention_kinds
from tcm_app.stylesheets import add_stylesheet
from tcm_app.views.audit_labels import register_audit_labels


def init_app(app) -> None:
    register_labels(labels.LABELS, labels.ERROR_MESSAGES)
    register_audit_labels(labels.AUDIT_ACTIONS, labels.AUDIT_OBJECTS)
    add_stylesheet(app, "herbs.static", "herbs.css")
    add_navigation(
        app,
        NavEntry("patient", "herbs.my_prescriptions", _l("My prescriptions"), 40),
        NavEntry("doctor", "herbs.signing_password", _l("Signing password"), 40),
        NavEntry("pharmacist", "herbs.review_queue", _l("Prescription review"), 10),
        NavEntry("pharmacist", "herbs.signing_password", _l("Signing password"), 20),
    )
    # The elderly mode's home: 我的药, the prescriptions (each shows its order and delivery).
    add_elder_task(app, ElderTask("herbs.my_prescriptions", _l("My medicine"), 20, medicine_hint))
    app.register_blueprint(bp)
    register_api(api_bp)
    app.cli.add_command(herbs_cli)
    add_reference_loader(app, "herbs", reference.load_reference)  # catalogue, formula templates
    # The encounter page's prescription panel asks the access rules, never repeats them.
    app.jinja_env.globals.update(
        visible_prescriptions=lambda encounter: access.encounter_prescriptions(
            current_user, encounter
        ),
        may_write_prescription=lambda encounter, blockers: access.may_write_prescription(
            current_user, encounter, blockers
        ),
    )
    add_panels(
        app,
        Panel(ENCOUNTER_PRESCRIBING, "herbs/_encounter_prescriptions.html", 10),
        Panel(ENCOUNTER, "herbs/_encounter_renewal.html", 5),  # a renewal's earlier prescription
        Panel(WORKBENCH, "herbs/_workbench_returned.html", 20),
    )
    add_demo_seed(app, demo.seed_demo, 10)  # a prescription waiting for review
    add_home(app, "pharmacist", "herbs.review_queue")
    add_retention_kinds(
        app,
        RetentionKind(_l("Herbal prescriptions"), MEDICAL_RECORD, models.Prescription.created_at),
    )
