from pathlib import Path

from flask import Blueprint

bp = Blueprint(
    "quality",
    __name__,
    url_prefix="/quality",
    static_folder=Path(__file__).resolve().parent.parent / "static",
)
