"""Everything the herbs domain brings to the app (the one seam, see tcm_app/domains.py):
prescriptions and their tasks, the prescribing pages and API, `flask herbs`."""

from flask_babel import lazy_gettext as _l

from herbs import models, tasks  # noqa: F401  (tables; the expiry and PDF tasks)
from herbs.api import routes  # noqa: F401  (attaches the herb API to the core API blueprint)
from herbs.cli import herbs_cli
from herbs.views import bp
from tcm_app.navigation import NavEntry, add_navigation


def init_app(app) -> None:
    add_navigation(
        app,
        NavEntry("patient", "herbs.my_prescriptions", _l("My prescriptions"), 40),
        NavEntry("doctor", "herbs.signing_password", _l("Signing password"), 40),
        NavEntry("pharmacist", "herbs.review_queue", _l("Prescription review"), 10),
        NavEntry("pharmacist", "herbs.signing_password", _l("Signing password"), 20),
    )
    app.register_blueprint(bp)
    app.cli.add_command(herbs_cli)
