"""The treatments blueprint; its views live in patient.py, staff.py and admin.py."""

from flask import Blueprint

bp = Blueprint("treatments", __name__, url_prefix="/treatments")
