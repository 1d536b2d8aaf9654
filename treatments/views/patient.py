"""Treatment pages (patient)."""

from treatments.views.blueprint import bp  # noqa: F401
