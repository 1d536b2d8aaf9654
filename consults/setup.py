"""Everything the consults domain brings to the app (the one seam, see tcm_app/domains.py):
video and text consults, their reminder task, pages and API, and the signaling hub."""

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from consults import labels, models, tasks  # noqa: F401  (tables; the tasks)
from consults.api.routes import bp as api_bp
from consults.services import demo
from consults.services.hub import make_hub
from consults.views import phone, threads  # noqa: F401  (text consult and phone routes)
from consults.views.pages import bp
from tcm_app.api.blueprint import register_api
from tcm_app.common.retention import PROCESS_RECORD
from tcm_app.labels import register_labels
from tcm_app.models.encounters import Encounter
from tcm_app.navigation import NavEntry, add_navigation
from tcm_app.panels import ENCOUNTER, WORKBENCH, Panel, add_panels, add_visit_row_loads
from tcm_app.services.demo import add_demo_seed
from tcm_app.services.retention import RetentionKind, add_retention_kinds
from tcm_app.stylesheets import add_stylesheet
from tcm_app.views.audit_labels import register_audit_labels


def init_app(app) -> None:
    register_labels(labels.LABELS, labels.ERROR_MESSAGES)
    register_audit_labels(labels.AUDIT_ACTIONS, labels.AUDIT_OBJECTS)
    add_stylesheet(app, "consults.static", "consults.css")
    add_navigation(
        app,
        NavEntry("patient", "consults.book", _l("Book a video consult"), 30),
        NavEntry("doctor", "consults.schedule", _l("Consult schedule"), 20),
    )
    app.register_blueprint(bp)
    register_api(api_bp)
    # One signaling hub per app: in-process, or Redis pub/sub when several processes serve calls.
    app.extensions["consult_hub"] = make_hub(app.config.get("CONSULT_REDIS_URL"))
    add_panels(
        app,
        Panel(ENCOUNTER, "consults/_encounter_consult.html", 10),
        Panel(WORKBENCH, "consults/_waiting.html", 10),
        Panel(WORKBENCH, "consults/_text_consults.html", 15),
    )
    # A list of visits shows each booked consult's time (consult_when_for) and the phone consult
    # (phone_badge_for, 电话问诊): one query per list each. The visit page reads them with the
    # visit, so its consult panel asks nothing more.
    add_visit_row_loads(
        app,
        lambda: joinedload(Encounter.booking),
        lambda: selectinload(Encounter.phone_events),
    )
    add_demo_seed(app, demo.seed_demo, 40)  # the demo doctor's consult hours
    add_retention_kinds(
        app,
        RetentionKind(_l("Consult chat messages"), PROCESS_RECORD, models.ChatMessage.sent_at),
        RetentionKind(_l("Call recordings"), PROCESS_RECORD, models.ConsultRecording.started_at),
        RetentionKind(_l("Call events"), PROCESS_RECORD, models.ConsultEvent.occurred_at),
    )
