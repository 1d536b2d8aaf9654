"""Everything the outside-prescription domain brings to the app (the one seam, see
tcm_app/domains.py): 拍方抓药 — a patient's photographed prescription from another institution,
sent to the pharmacists, who check it by hand (issue 20)."""

from flask_babel import lazy_gettext as _l

from external_rx import labels, models  # tables; the retention kinds
from external_rx.api.routes import bp as api_bp
from external_rx.services import demo
from external_rx.views import pages, review  # noqa: F401  (routes)
from external_rx.views.blueprint import bp
from tcm_app.api.blueprint import register_api
from tcm_app.common.retention import MEDICAL_RECORD
from tcm_app.labels import register_labels
from tcm_app.navigation import NavEntry, add_navigation
from tcm_app.services.demo import add_demo_seed
from tcm_app.services.retention import RetentionKind, add_retention_kinds
from tcm_app.stylesheets import add_stylesheet
from tcm_app.views.audit_labels import register_audit_labels


def init_app(app) -> None:
    register_labels(labels.LABELS, labels.ERROR_MESSAGES)
    register_audit_labels(labels.AUDIT_ACTIONS, labels.AUDIT_OBJECTS)
    add_stylesheet(app, "external_rx.static", "external_rx.css")
    add_navigation(
        app,
        NavEntry("patient", "external_rx.mine", _l("Outside prescriptions"), 45, "external_rx."),
        NavEntry("pharmacist", "external_rx.queue", _l("Outside prescriptions"), 12),
    )
    add_demo_seed(app, demo.seed_demo, 80)  # demo-patient's outside prescriptions
    app.register_blueprint(bp)
    register_api(api_bp)
    submission = models.ExternalSubmission
    add_retention_kinds(
        app,
        RetentionKind(
            _l("Outside prescriptions"),
            MEDICAL_RECORD,
            submission.created_at,
            submission.retain_until,
        ),
    )
