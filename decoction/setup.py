"""Everything the decoction domain brings to the app (the one seam, see tcm_app/domains.py):
herb orders and their tasks, the order pages and decoction room, the API, `flask decoction`."""

from flask_babel import lazy_gettext as _l

from decoction import labels, models, tasks  # noqa: F401  (tables; the order tasks)
from decoction.api.routes import bp as api_bp
from decoction.cli import decoction_cli
from decoction.services import demo, sources
from decoction.views import bp
from tcm_app.api.blueprint import register_api
from tcm_app.labels import register_labels
from tcm_app.navigation import NavEntry, add_home, add_navigation
from tcm_app.services.demo import add_demo_seed
from tcm_app.views.audit_labels import register_audit_labels


def init_app(app) -> None:
    register_labels(labels.LABELS, labels.ERROR_MESSAGES)
    register_audit_labels(labels.AUDIT_ACTIONS, labels.AUDIT_OBJECTS)
    add_navigation(
        app,
        NavEntry("patient", "decoction.my_orders", _l("My herb orders"), 50),
        NavEntry("decoction", "decoction.work_queue", _l("Decoction room"), 10),
    )
    app.register_blueprint(bp)
    register_api(api_bp)
    app.cli.add_command(decoction_cli)
    add_demo_seed(app, demo.seed_demo, 20)  # orders built on approved prescriptions
    add_home(app, "decoction", "decoction.work_queue")  # the work list by stage
    # The outside prescription's page (external_rx) offers 下单抓药 through these, only when
    # decoction is installed: `{% if may_order_external is defined %}`.
    app.add_template_global(sources.may_order_external, "may_order_external")
    app.add_template_global(sources.external_order, "external_order")
    # The patient's prescriptions (herbs) show the order each one backs, the same way.
    app.add_template_global(sources.prescription_orders, "prescription_orders")
