"""The core blueprints. View modules attach routes to them; app.register_blueprints imports those."""

from flask import Blueprint

auth_bp = Blueprint("auth", __name__)
core_bp = Blueprint("core", __name__)
