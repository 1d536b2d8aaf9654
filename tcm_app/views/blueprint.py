"""The core blueprints. View modules attach routes to them; the factory imports them."""

from flask import Blueprint

auth_bp = Blueprint("auth", __name__)
core_bp = Blueprint("core", __name__)
