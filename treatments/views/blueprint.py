"""The treatments blueprint; its views live in patient.py, staff.py and admin.py, its styles in
treatments/static/ (served at /treatments/static/, as every domain's)."""

from pathlib import Path

from flask import Blueprint

bp = Blueprint(
    "treatments",
    __name__,
    url_prefix="/treatments",
    static_folder=Path(__file__).resolve().parent.parent / "static",
)
