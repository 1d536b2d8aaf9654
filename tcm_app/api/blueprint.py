"""The JSON API under /api/v1: bearer tokens only (the session cookie is ignored), JSON errors."""

from datetime import timedelta
from functools import wraps

from flask import Blueprint, g, request
from marshmallow import ValidationError as SchemaError

from tcm_app.common.errors import AuthenticationError, PermissionDeniedError, ValidationError
from tcm_app.extensions import csrf, db
from tcm_app.models.types import utcnow
from tcm_app.services.accounts import resolve_token
from tcm_app.views.guards import PUBLIC

bp = Blueprint("api", __name__, url_prefix="/api/v1")
LAST_USED_PRECISION = timedelta(minutes=1)
_nested: set[str] = set()


def register_api(blueprint: Blueprint) -> None:
    """Nest a domain's API blueprint (`Blueprint("<domain>", __name__)`, no prefix of its own) in
    the core API blueprint: its URLs are under /api/v1, its endpoints `api.<domain>.<name>`, and
    what is keyed on the core API applies to it (JSON errors, no CSRF: bearer tokens only).

    Flask keeps the nesting on the blueprint objects, which live as long as the process, and
    freezes a blueprint once it is registered on an app. So a domain's setup.py nests its API
    blueprint before create_app registers the core one (init_domains runs first); an app made
    later in the same process (the tests make many) finds the tree already built."""
    if blueprint.name not in _nested:
        bp.register_blueprint(blueprint)
        _nested.add(blueprint.name)
    # Flask-WTF matches the request's own blueprint, "api.<domain>", not its parent.
    csrf.exempt(blueprint)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


REQUEST_TOKEN_KEY = "tcm.api_token"


def request_token():
    """The request's bearer token, resolved once per request (the password-change guard before
    the view and api_roles both ask for it): the live ApiToken, or None when there is none or it
    is not valid. Kept in the request's own environ, not on `g`: `g` belongs to the app context,
    which several requests share when one is pushed around them (tests, scripts)."""
    if REQUEST_TOKEN_KEY not in request.environ:
        plain = bearer_token()
        request.environ[REQUEST_TOKEN_KEY] = resolve_token(plain) if plain else None
    return request.environ[REQUEST_TOKEN_KEY]


def api_roles(*roles: str):
    """Require a valid bearer token whose user has one of `roles`; 401 or 403 otherwise. The view
    reads the caller as `current_user`: the token's user, never a browser session's."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = request_token()
            if token is None:
                raise AuthenticationError("a valid bearer token is required", "unauthenticated")
            user = token.user
            if user.role not in roles:
                raise PermissionDeniedError("your role may not use this endpoint")
            now = utcnow()
            # Minute precision is enough to see which tokens are in use; writing on every request
            # would make each read a write transaction (and serialise readers on SQLite).
            if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
                token.last_used_at = now
                db.session.commit()  # its own unit of work, before the view's
            # Otherwise nothing to commit: the view goes on in the read transaction the lookup
            # began, which ends with the view's own commit or when the session is removed at
            # the end of the request (its connection rolled back as it returns to the pool).
            g.api_token = token
            g._login_user = user  # Flask-Login's current_user for this request only
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorate


def api_public(view):
    view.allowed_roles = PUBLIC
    return view


def load_json(schema, required: bool = True) -> dict:
    """Validate the JSON body against a marshmallow schema; 422 with per-field messages."""
    body = request.get_json(silent=True)
    if body is None and not required and not request.content_length:
        body = {}
    if not isinstance(body, dict):
        raise ValidationError("the body must be a JSON object", "invalid_json")
    try:
        return schema.load(body)
    except SchemaError as exc:
        raise ValidationError("the request body is invalid", "invalid", exc.messages) from exc
