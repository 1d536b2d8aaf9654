"""Role checks for every page. Each view declares who may use it; a test walks them all."""

from functools import wraps

from flask import abort
from flask_login import current_user

from tcm_app.extensions import login_manager

PUBLIC = frozenset({"anonymous"})


def roles_required(*roles: str):
    """Allow only signed-in users with one of `roles`; others are sent to login or refused (403)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorate


def public(view):
    """Mark a view as open to everyone (login, registration)."""
    view.allowed_roles = PUBLIC
    return view
