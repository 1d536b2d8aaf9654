"""Everything the treatments domain brings to the app (the one seam, see tcm_app/domains.py):
in-person treatments and their reminder task, the staff and patient pages, the API,
`flask treatments`."""

from treatments import models, tasks  # noqa: F401  (tables; the reminder task)
from treatments.api import routes  # noqa: F401  (attaches the treatment API to the core API)
from treatments.cli import treatments_cli
from treatments.views import admin, booking_page, courses, patient, staff  # noqa: F401  (routes)
from treatments.views.blueprint import bp


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(treatments_cli)
