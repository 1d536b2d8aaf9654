"""Refusals as answers: JSON {"error": {"code", "message"}} under /api, pages elsewhere."""

from collections.abc import Callable

from flask import current_app, jsonify, make_response, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from tcm_app.common.errors import NotFoundError, TCMError
from tcm_app.extensions import db, flood_key, limiter
from tcm_app.services.audit import record_refusal
from tcm_app.services.storage import FileMissingError
from tcm_app.views.rate_limits import retry_after_seconds

# Pages that show a refused form again, with the reason at its top, instead of an error page:
# endpoint -> function(message) returning the response. Registered with `form_page_refusal`.
FORM_PAGE_REFUSALS: dict[str, Callable[[str], object]] = {}


def form_page_refusal(*endpoints: str):
    """Register how the form posted to `endpoints` is shown again when it is refused before its
    view runs (an expired or missing CSRF token): the page as it is now, what was typed kept."""

    def register(render: Callable[[str], object]):
        for endpoint in endpoints:
            FORM_PAGE_REFUSALS[endpoint] = render
        return render

    return register


def refused_form_page(message: str):
    """The registered page for this request's form, if the signed-in user may use it."""
    render = FORM_PAGE_REFUSALS.get(request.endpoint or "")
    view = current_app.view_functions.get(request.endpoint or "")
    allowed = getattr(view, "allowed_roles", frozenset())
    if render is None or wants_json() or not current_user.is_authenticated:
        return None
    if current_user.role not in allowed:
        return None
    try:
        return render(message)
    except TCMError as exc:  # e.g. not this user's visit: the plain error page says it
        db.session.rollback()
        record_refusal(exc)
        return None


def wants_json() -> bool:
    """The API always; a page's own fetch() calls when they ask for JSON (Accept header)."""
    if request.path.startswith("/api/"):
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    )


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    if wants_json():
        body = {"error": {"code": code, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        response = jsonify(body)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="tcm-hospital"'
        return response, status
    return render_template("errors/error.html", status=status, code=code, message=message), status


RETRY_AFTER_SECONDS = 2


def refusal(exc: TCMError):
    if exc.keeps_changes:
        db.session.commit()  # the refusal's own count and audit entry
    db.session.rollback()
    record_refusal(exc)
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def stored_file_missing(exc: FileMissingError):
    # A row whose stored file is gone (a restore from an older backup, a file removed by hand):
    # the file is not found, which is no fault of the request (404, never a 500).
    current_app.logger.warning("stored file missing: %s", exc)
    return refusal(NotFoundError("the stored file is missing"))


def register_error_handlers(app) -> None:
    app.register_error_handler(TCMError, refusal)
    app.register_error_handler(FileMissingError, stored_file_missing)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        db.session.rollback()
        message = _("The form expired or was not sent by this site. Reload the page and try again.")
        page = refused_form_page(_("The form had expired. Check what it shows and submit again."))
        if page is not None:
            return page
        return error_response(400, "csrf", message)

    @app.errorhandler(StaleDataError)
    def stale(exc):
        db.session.rollback()
        return error_response(
            409, "stale", _("The record changed meanwhile. Reload and try again.")
        )

    @app.errorhandler(IntegrityError)
    def integrity(exc):
        db.session.rollback()
        return error_response(409, "conflict", _("This conflicts with data that already exists."))

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(exc: RateLimitExceeded):
        db.session.rollback()
        message = (
            _("Too many requests. Wait a moment and try again.")
            if getattr(exc.limit, "key_func", None) is flood_key  # the default, per client
            else http_messages()[429]  # a route's own limit: sign-in, codes, messages
        )
        response = make_response(error_response(429, "rate_limited", message))
        current = limiter.current_limit
        response.headers["Retry-After"] = str(
            retry_after_seconds(current.reset_at if current else None)
        )
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)  # every pooled connection busy for pool_timeout seconds
    def database_unavailable(exc):
        # The database went away under the request (restarted, failed over, a connection cut):
        # its transaction is lost whole, nothing half-written, and the same request can simply
        # be sent again once the pool has reconnected (pre-ping), so say so: 503 with Retry-After.
        current_app.logger.warning("database unavailable: %s", getattr(exc, "orig", exc))
        db.session.rollback()
        response = make_response(unavailable_answer(), 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        db.session.rollback()
        code = (exc.name or "error").lower().replace(" ", "_").replace("'", "")
        message = http_messages().get(exc.code) or exc.description or exc.name
        return error_response(exc.code or 500, code, message)


def unavailable_answer():
    """Said without the database: the signed-in user's language and the page's menu would need
    it, so this answer uses the hospital's language and a page of its own."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        message = _("The service is briefly unavailable. Try again.")
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            return jsonify({"error": {"code": "database_unavailable", "message": message}})
        return render_template(
            "errors/unavailable.html",
            message=message,
            english=False,
            retry_after=RETRY_AFTER_SECONDS,
        )


def http_messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Sign in first."),
        403: _("Your role is not allowed to do this."),
        404: _("Not found, or not yours to see."),
        405: _("This method is not allowed here."),
        413: _("The upload is larger than allowed."),
        429: _("Too many attempts. Wait a minute and try again."),
    }
