"""Treatment pages (admin)."""

from treatments.views.blueprint import bp  # noqa: F401
