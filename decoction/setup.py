"""Everything the decoction domain brings to the app (the one seam, see tcm_app/domains.py):
herb orders and their tasks, the order pages and decoction room, the API, `flask decoction`."""

from decoction import models, tasks  # noqa: F401  (tables; the order tasks)
from decoction.api import routes  # noqa: F401  (attaches the order API to the core API blueprint)
from decoction.cli import decoction_cli
from decoction.views import bp


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(decoction_cli)
