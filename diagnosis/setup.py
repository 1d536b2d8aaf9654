"""Everything the diagnosis domain brings to the app (the one seam, see tcm_app/domains.py):
tongue photos and their analysis task, pages and API, `flask diagnosis`."""

from flask_babel import lazy_gettext as _l

from diagnosis import labels, models, tasks  # noqa: F401  (tables; the analysis task)
from diagnosis.api.routes import bp as api_bp
from diagnosis.cli import diagnosis_cli
from diagnosis.views import bp
from tcm_app.api.blueprint import register_api
from tcm_app.common.retention import MEDICAL_RECORD
from tcm_app.labels import register_labels
from tcm_app.panels import ENCOUNTER, Panel, add_panels
from tcm_app.services.retention import RetentionKind, add_retention_kinds
from tcm_app.stylesheets import add_stylesheet
from tcm_app.views.audit_labels import register_audit_labels


def init_app(app) -> None:
    register_labels(labels.LABELS, labels.ERROR_MESSAGES)
    register_audit_labels(labels.AUDIT_ACTIONS, labels.AUDIT_OBJECTS)
    add_stylesheet(app, "diagnosis.static", "diagnosis.css")
    app.register_blueprint(bp)
    register_api(api_bp)
    app.cli.add_command(diagnosis_cli)
    add_panels(app, Panel(ENCOUNTER, "diagnosis/_encounter_tongue.html", 20))
    photo = models.TongueImage
    kind = RetentionKind(_l("Tongue photos"), MEDICAL_RECORD, photo.created_at, photo.retain_until)
    add_retention_kinds(app, kind)
