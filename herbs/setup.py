"""Everything the herbs domain brings to the app (the one seam, see tcm_app/domains.py):
prescriptions and their tasks, the prescribing pages and API, `flask herbs`."""

from herbs import models, tasks  # noqa: F401  (tables; the expiry and PDF tasks)
from herbs.api import routes  # noqa: F401  (attaches the herb API to the core API blueprint)
from herbs.cli import herbs_cli
from herbs.views import bp


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(herbs_cli)
