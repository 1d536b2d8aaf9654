"""The main menu and the home page, per role, as the core and the installed domains register them
(each domain's setup.py adds its own): base.html renders what is registered and `/` redirects to
the registered home; neither names a domain."""

from collections.abc import Callable
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
    mine = sorted((e for e in entries if e.role == role), key=lambda e: e.order)
    if in_elder_mode():  # the main tasks only: fewer, larger links
        main = {home_endpoint(role), *(t.endpoint for t in elder_tasks())}
        return [e for e in mine if e.endpoint in main]
    return mine


def add_home(app, role: str, endpoint: str) -> None:
    """The page `/` opens for a role."""
    app.extensions.setdefault("home_by_role", {})[role] = endpoint


def home_endpoint(role) -> str:
    return current_app.extensions["home_by_role"][str(role)]


# --- the elderly mode (长辈模式) -------------------------------------------------------------


@dataclass(frozen=True)
class ElderTask:
    """A main task on the elderly mode's home page, as a large button; the domain that owns the
    page registers it. In the elderly mode the menu shows only the home page and these tasks."""

    endpoint: str
    label: object  # a lazy translation, in plain words (我的药, not 我的处方)
    order: int  # place among the buttons, smallest first
    # A short plain sentence under the label for the signed-in patient ("下次：12月6日 9:30"),
    # or None; called when the home page renders.
    hint: Callable[[], object] | None = None


def add_elder_task(app, *tasks: ElderTask) -> None:
    app.extensions.setdefault("elder_tasks", []).extend(tasks)


def elder_tasks() -> list[ElderTask]:
    return sorted(current_app.extensions.get("elder_tasks", []), key=lambda t: t.order)


def in_elder_mode() -> bool:
    """The signed-in patient has switched the elderly mode on."""
    return bool(current_user.is_authenticated and getattr(current_user, "elder_mode", False))
