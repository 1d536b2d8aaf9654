from pathlib import Path

from flask import Blueprint

bp = Blueprint(
    "external_rx",
    __name__,
    url_prefix="/external_rx",
    static_folder=Path(__file__).resolve().parent.parent / "static",
)
