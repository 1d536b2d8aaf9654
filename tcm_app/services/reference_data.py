"""Reference data the domains ship (the herb catalogue and formula templates, the therapy
catalogue): each domain registers its loader in its setup.py, and `flask import-reference` (which
`make run` calls) and the test suite's template database load them all, in installed order."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReferenceLoader:
    name: str
    load: Callable[[], str]  # loads its shipped data (flushes; safe to repeat), returns a summary


def add_reference_loader(app, name: str, load: Callable[[], str]) -> None:
    app.extensions.setdefault("reference_loaders", []).append(ReferenceLoader(name, load))


def load_reference_data(app) -> list[str]:
    """Run every registered loader; the caller commits. Returns one summary line per loader."""
    return [loader.load() for loader in app.extensions.get("reference_loaders", [])]
