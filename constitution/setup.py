"""Everything the constitution domain brings to the app (the one seam, see tcm_app/domains.py):
the constitution questionnaires (中医体质测评) and their scoring, `flask constitution`."""

from constitution import labels
from constitution.cli import constitution_cli
from constitution.services import scales
from tcm_app.labels import register_labels
from tcm_app.views.audit_labels import register_audit_labels


def init_app(app) -> None:
    register_labels(labels.LABELS, labels.ERROR_MESSAGES)
    register_audit_labels(labels.AUDIT_ACTIONS, labels.AUDIT_OBJECTS)
    scales.all_scales()  # a scale file that fails validation stops the start here
    app.cli.add_command(constitution_cli)
