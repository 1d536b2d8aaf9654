"""Flask extensions, created unbound here and bound in create_app (the Flask docs pattern)."""

from celery import Celery, Task
from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_limiter import Limit, Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sock import Sock
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from tcm_app.services.translations_cache import CachingBabel

# Stable constraint names so that Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
# Flask-Login's own messages in the reader's language (flashed as str() of the lazy string).
login_manager.login_message = _l("Please log in to access this page.")
login_manager.needs_refresh_message = _l("To protect your account, please sign in again.")
login_manager.localize_callback = str
csrf = CSRFProtect()
babel = CachingBabel()
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def flood_key() -> str:
    """Whom the default limit counts: the function the app factory keeps in its extensions
    (tcm_app/views/rate_limits.py), which knows accounts and tokens; this module imports none."""
    return current_app.extensions["rate_limit_key"]()


def not_flood_limited() -> bool:
    """The default limit counts the JSON API and form posts; page views and static files are not
    counted (a page view changes nothing, and one page pulls in many static files)."""
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.endswith(".static"):
        return True
    return request.method in SAFE_METHODS and "api" not in request.blueprints


# A route that names its own limit (login, token exchange, phone codes, thread messages) keeps it
# instead, by address; every other API call and form post has the default, per client and per
# endpoint (API_RATE_LIMIT). Storage: RATELIMIT_STORAGE_URI, shared by every node in production.
limiter = Limiter(
    key_func=get_remote_address,
    default_limits=[
        Limit(api_rate_limit, key_function=flood_key, exempt_when=not_flood_limited),
    ],
)
# Plain WebSocket routes (consult signaling): they need a threaded server (gunicorn gthread).
sock = Sock()


def celery_init_app(app: Flask) -> Celery:
    """Bind Celery to the app so that every task body runs inside an app context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
