"""Everything the treatments domain brings to the app (the one seam, see tcm_app/domains.py):
in-person treatments and their reminder task, the staff and patient pages, the API,
`flask treatments`."""

from flask_babel import lazy_gettext as _l

from tcm_app.api.blueprint import register_api
from tcm_app.labels import register_labels
from tcm_app.navigation import ElderTask, NavEntry, add_elder_task, add_navigation
from tcm_app.panels import ENCOUNTER, WORKBENCH, Panel, add_panels
from tcm_app.services.demo import add_demo_seed
from tcm_app.services.reference_data import add_reference_loader
from tcm_app.stylesheets import add_stylesheet
from tcm_app.views.audit_labels import register_audit_labels
from treatments import labels, models, tasks  # noqa: F401  (tables; the reminder task)
from treatments.api.routes import bp as api_bp
from treatments.cli import treatments_cli
from treatments.services import catalogue, demo
from treatments.views import (  # noqa: F401  (routes)
    admin,
    booking_page,
    courses,
    home,
    patient,
    staff,
)
from treatments.views.blueprint import bp


def init_app(app) -> None:
    register_labels(labels.LABELS, labels.ERROR_MESSAGES)
    register_audit_labels(labels.AUDIT_ACTIONS, labels.AUDIT_OBJECTS)
    add_stylesheet(app, "treatments.static", "treatments.css")
    admin_area = "/treatments/admin"
    add_navigation(
        app,
        NavEntry("patient", "treatments.my_bookings", _l("My treatments"), 60, "treatments."),
        NavEntry("doctor", "treatments.calendar", _l("Treatment calendar"), 30),
        NavEntry("clinic", "treatments.my_day", _l("My treatments today"), 20),
        NavEntry("clinic", "treatments.home_route", _l("My home visits"), 25),
        NavEntry("doctor", "treatments.home_route", _l("My home visits"), 35),
        NavEntry("clinic", "treatments.calendar", _l("Treatment calendar"), 30),
        NavEntry("clinic", "treatments.admin_home", _l("Treatment clinic setup"), 40, admin_area),
        NavEntry("admin", "treatments.admin_home", _l("Treatment clinic setup"), 30, admin_area),
    )
    # The elderly mode's home: 我的下次治疗, with the next booking's time.
    add_elder_task(
        app,
        ElderTask("treatments.my_bookings", _l("My next treatment"), 30, patient.next_booking_hint),
    )
    app.register_blueprint(bp)
    register_api(api_bp)
    app.cli.add_command(treatments_cli)
    add_reference_loader(app, "treatments", catalogue.load_reference)  # the therapy catalogue
    add_panels(
        app,
        Panel(ENCOUNTER, "treatments/patient/_encounter_courses.html", 30),
        Panel(WORKBENCH, "treatments/staff/_today.html", 40),
    )
    add_demo_seed(app, demo.seed_demo, 30)  # the treatment clinic and one booking
