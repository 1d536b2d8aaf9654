"""Everything the quality domain brings to the app (the one seam, see tcm_app/domains.py): the
quality office (质控) — the quality officer's desk and home; patients' ratings and complaints,
appeals, the daily figures per doctor and department that the supervision platform asks for."""

from flask_babel import lazy_gettext as _l

from quality import labels
from quality.views import desk  # noqa: F401  (routes)
from quality.views.blueprint import bp
from tcm_app.labels import register_labels
from tcm_app.navigation import NavEntry, add_home, add_navigation
from tcm_app.views.audit_labels import register_audit_labels


def init_app(app) -> None:
    register_labels(labels.LABELS, labels.ERROR_MESSAGES)
    register_audit_labels(labels.AUDIT_ACTIONS, labels.AUDIT_OBJECTS)
    add_navigation(app, NavEntry("quality", "quality.desk", _l("Quality desk"), 10))
    app.register_blueprint(bp)
    add_home(app, "quality", "quality.desk")
