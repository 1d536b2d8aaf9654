"""The installed domains: the core knows them only through this list. Each domain is a package
with one `setup.py` whose `init_app(app)` registers everything it brings (its tables and tasks by
importing them, its blueprints and API routes, its command-line group, its labels, menu entries,
panels and demo data, its services on the app), and may have a `settings.py` that config.py reads
before the app is made (see tcm_app/common/settings.py). Adding a domain is a folder plus one name
here."""

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

INSTALLED_DOMAINS = (
    "herbs",
    "consults",
    "diagnosis",
    "decoction",
    "treatments",
    "constitution",
    "followup",
    "quality",
    "external_rx",
)


def init_domains(app) -> None:
    for name in INSTALLED_DOMAINS:
        import_module(f"{name}.setup").init_app(app)


def domain_settings() -> list[ModuleType]:
    """The `settings` modules of the installed domains that have one, in installed order."""
    names = (f"{name}.settings" for name in INSTALLED_DOMAINS)
    return [import_module(name) for name in names if find_spec(name) is not None]
