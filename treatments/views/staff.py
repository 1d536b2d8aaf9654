"""Treatment pages (staff)."""

from treatments.views.blueprint import bp  # noqa: F401
