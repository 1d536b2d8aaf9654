from pathlib import Path

from flask import Blueprint

bp = Blueprint(
    "followup",
    __name__,
    url_prefix="/followup",
    static_folder=Path(__file__).resolve().parent.parent / "static",
)
