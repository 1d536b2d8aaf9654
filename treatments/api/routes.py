"""In-person treatments over the API: therapies, availability and bookings."""

from tcm_app.api.blueprint import bp  # noqa: F401
