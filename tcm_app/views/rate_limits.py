"""Who a request is, for the default rate limit (tcm_app/extensions.py), and the answer when a
limit is reached (issue 21).

The client is the signed-in user when there is one (the bearer token's user on the API, which
ignores the session cookie; the session's user on pages), else the address the request came from.
That address is the client's own only as far as the trusted proxies say: `trust_proxies` applies
werkzeug's ProxyFix for TRUSTED_PROXIES hops, and with 0 (the demo) X-Forwarded-For is ignored so
a client cannot forge its address. The login limits and the sign-in throttle read the same
address."""

from flask import Flask, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from tcm_app.api.blueprint import request_token
from tcm_app.extensions import db
from tcm_app.services.clock import utc_now


def client_key() -> str:
    try:
        user_id = signed_in_user_id()
    except SQLAlchemyError:
        # The database is away: count by address. Raising here would make flask-limiter take its
        # Redis for dead and count in memory; the view itself answers the database's failure.
        db.session.rollback()
        user_id = None
    return f"user:{user_id}" if user_id is not None else f"addr:{request.remote_addr or ''}"


def signed_in_user_id() -> int | None:
    if "api" in request.blueprints:
        token = request_token()  # resolved once for the request: the view reuses it
        return token.user_id if token is not None else None
    return current_user.id if current_user.is_authenticated else None


def trust_proxies(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def retry_after_seconds(reset_at: int | None) -> int:
    """Whole seconds until the limit's window ends (at least 1): the Retry-After header."""
    if reset_at is None:
        return 60
    return max(1, int(reset_at - utc_now().timestamp()))


def register_rate_limits(app: Flask) -> None:
    app.extensions["rate_limit_key"] = client_key
    trust_proxies(app)
