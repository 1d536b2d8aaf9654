"""The installed domains: the core knows them only through this list. Each domain is a package
with one `setup.py` whose `init_app(app)` registers everything it brings (its tables and tasks by
importing them, its blueprints and API routes, its command-line group, its services on the app).
Adding a domain is a folder plus one name here."""

from importlib import import_module

INSTALLED_DOMAINS = ("herbs", "consults", "diagnosis", "decoction", "treatments")


def init_domains(app) -> None:
    for name in INSTALLED_DOMAINS:
        import_module(f"{name}.setup").init_app(app)
