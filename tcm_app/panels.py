"""Panels on the core's pages, as the core and the installed domains register them (each
domain's setup.py adds its own): the encounter page and the workbench include what is registered
for their place and name no domain.

A panel is a template included into the page, so it sees the page's context (`encounter`,
`blockers`, the imported macros). What it shows to whom is asked of the services through
template globals the domain registers, never decided again in the template."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm.interfaces import LoaderOption

# The places the core's pages offer, in page order.
ENCOUNTER_PRESCRIBING = "encounter.prescribing"  # inside the encounter's prescription status card
ENCOUNTER = "encounter"  # the cards after it, for everyone but the front desk
WORKBENCH = "workbench"  # the doctor's workbench, above the visit queue


@dataclass(frozen=True)
class Panel:
    place: str
    template: str
    order: int  # place on the page among the panels of the same place, smallest first


def add_panels(app, *panels: Panel) -> None:
    app.extensions.setdefault("panels", []).extend(panels)


def add_visit_row_loads(app, *loads: Callable[[], LoaderOption]) -> None:
    """What a domain shows on each row of a list of visits (consults: the booked time, through
    the `consult_when_for` template function), as functions returning a loader option such as
    `joinedload(Encounter.booking)` (called when a list is read: a relationship a domain adds
    to Encounter as a backref exists only once the mappers are configured). A list page reads
    it with its rows, not with one query per row."""
    app.extensions.setdefault("visit_row_loads", []).extend(loads)


def visit_row_loads() -> list[LoaderOption]:
    """The loader options the installed domains registered for the rows of a list of visits."""
    return [load() for load in current_app.extensions.get("visit_row_loads", [])]


def panels(place: str) -> list[Panel]:
    """The panels registered for one place of a page, in page order."""
    registered = current_app.extensions.get("panels", [])
    return sorted((p for p in registered if p.place == place), key=lambda p: p.order)
