"""The main menu and the home page, per role, as the core and the installed domains register them
(each domain's setup.py adds its own): base.html renders what is registered and `/` redirects to
the registered home; neither names a domain."""

from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user


@dataclass(frozen=True)
class NavEntry:
    role: str
    endpoint: str
    label: object  # a lazy translation: read in the reader's language when the page renders
    order: int  # place in the role's menu, smallest first
    current_prefix: str = ""  # an endpoint ("treatments.") or path ("/treatments/admin") prefix

    def is_current(self) -> bool:
        """This entry's page (or one of its area, with a prefix) is the page being shown."""
        endpoint = request.endpoint or ""
        if not self.current_prefix:
            return endpoint == self.endpoint
        if self.current_prefix.startswith("/"):
            return request.path.startswith(self.current_prefix)
        return endpoint.startswith(self.current_prefix)


def add_navigation(app, *entries: NavEntry) -> None:
    app.extensions.setdefault("navigation", []).extend(entries)


def navigation() -> list[NavEntry]:
    """The signed-in user's menu."""
    if not current_user.is_authenticated:
        return []
    role = str(current_user.role)
    entries = current_app.extensions.get("navigation", [])
    return sorted((e for e in entries if e.role == role), key=lambda e: e.order)


def add_home(app, role: str, endpoint: str) -> None:
    """The page `/` opens for a role."""
    app.extensions.setdefault("home_by_role", {})[role] = endpoint


def home_endpoint(role) -> str:
    return current_app.extensions["home_by_role"][str(role)]
