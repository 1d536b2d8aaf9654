"""The stylesheets every page loads: the core's `app.css` first, then each installed domain's
own from its static folder (its setup.py adds it), in the order the domains are installed.
base.html renders what is registered and names no domain."""

from flask import current_app

from tcm_app.navigation import in_elder_mode


def add_stylesheet(app, endpoint: str, filename: str) -> None:
    """`add_stylesheet(app, "herbs.static", "herbs.css")`: a static endpoint and a file of it."""
    app.extensions.setdefault("stylesheets", []).append((endpoint, filename))


def stylesheets() -> list[tuple[str, str]]:
    """The registered sheets; in the elderly mode (长辈模式) the core's elder.css last, so that its
    larger type, contrast and targets win over every sheet before it."""
    sheets = current_app.extensions.get("stylesheets", [])
    if in_elder_mode():
        return [*sheets, ("static", "elder.css")]
    return sheets
