"""The application factory: create_app(test_config=None) wires extensions, views, CLI."""

import logging
import os
from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from tcm_app.common.image_header import MAX_PIXELS
from tcm_app.config import load_config
from tcm_app.extensions import (
    babel,
    celery_init_app,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    sock,
)
from tcm_app.views.security_headers import register_security_headers
from tcm_app.views.server_timing import register_server_timing

ROOT = Path(__file__).resolve().parent.parent

# The second line of defence behind the image header checks: OpenCV refuses to decode more pixels
# than this. OpenCV 5 reads the variable once, when cv2 is imported, and every module of the app
# that imports cv2 is imported after this one (tests/security/test_image_bombs.py checks it).
os.environ["OPENCV_IO_MAX_IMAGE_PIXELS"] = str(MAX_PIXELS)


class DatabaseIdConverter(IntegerConverter):
    """Path ids stay within the 32-bit integer columns, so a huge id is a 404, never a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    load_config(app, test_config)
    # INFO, not Python's default WARNING: the log sender's messages (the demo's SMS codes) and
    # the worker's notes must reach the server log.
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)
    app.url_map.converters["int"] = DatabaseIdConverter
    register_extensions(app)
    register_rate_limits(app)
    register_navigation(app)
    register_panels(app)
    register_retention_kinds(app)
    register_blueprints(app)
    register_errors(app)
    register_commands(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_locale_memory(app)
    register_input_guard(app)
    register_server_timing(app)
    return app


def register_input_guard(app: Flask) -> None:
    """Refuse NUL characters and broken Unicode anywhere in a request before a view sees it:
    PostgreSQL cannot store the one and UTF-8 cannot encode the other (a 500 otherwise).

    Every JSON body is parsed through `app.json`, which first measures how deeply the raw text
    nests (without recursion) and refuses more than MAX_JSON_DEPTH levels: the parser, the
    schemas and the walks behind it recurse, and 5,000 levels used to be a RecursionError."""
    from flask.json.provider import DefaultJSONProvider
    from flask_babel import gettext

    from tcm_app.common.errors import TCMError, ValidationError
    from tcm_app.common.text import MAX_JSON_DEPTH, is_storable, json_too_deep, unstorable_paths

    class DepthLimitedJSONProvider(DefaultJSONProvider):
        def loads(self, s, **kwargs):
            if json_too_deep(s, MAX_JSON_DEPTH):
                # Not a ValueError: get_json(silent=True) must not turn it into "no body".
                raise TCMError(
                    gettext(
                        "The JSON is nested more than %(depth)d levels deep.", depth=MAX_JSON_DEPTH
                    ),
                    "too_deeply_nested",
                )
            return super().loads(s, **kwargs)

    app.json = DepthLimitedJSONProvider(app)

    @app.before_request
    def refuse_unstorable_text():
        fields = [
            *request.args.items(multi=True),
            *request.form.items(multi=True),
            *((k, f.filename) for k, f in request.files.items(multi=True)),
        ]
        bad = [str(k) for k, v in fields if not is_storable(f"{k or ''}{v or ''}")]
        if request.is_json:
            bad += unstorable_paths(request.get_json(silent=True))
        if bad:
            raise ValidationError(
                "the request contains characters that cannot be stored",
                "invalid_characters",
                {name: ["invalid_characters"] for name in bad},
            )


def register_locale_memory(app: Flask) -> None:
    """Remember ?lang= for the session on every request, even one that translates nothing."""

    @app.before_request
    def remember_language():
        asked = request.args.get("lang")
        if asked in app.config["LANGUAGES"]:
            session["lang"] = asked


def register_template_helpers(app: Flask) -> None:
    from zoneinfo import ZoneInfo

    from flask_babel import get_locale

    from tcm_app.common.masking import mask_address, mask_phone
    from tcm_app.labels import label
    from tcm_app.services.patients import patient_age

    clinic_zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])

    def localdt(value) -> str:
        return value.astimezone(clinic_zone).strftime("%Y-%m-%d %H:%M") if value else ""

    app.jinja_env.globals.update(label=label, get_locale=get_locale, patient_age=patient_age)
    app.jinja_env.filters.update(mask_phone=mask_phone, mask_address=mask_address, localdt=localdt)
    register_hidden_character_display(app)


def register_hidden_character_display(app: Flask) -> None:
    """Hidden characters (U+202E and the like) show as markers on every page: see text_display."""
    from tcm_app.views.text_display import mark_hidden, visible_controls

    app.jinja_env.finalize = mark_hidden
    app.jinja_env.filters["visible_controls"] = visible_controls


def register_extensions(app: Flask) -> None:
    from tcm_app import tasks  # noqa: F401  (registers the core tasks)
    from tcm_app.models import accounts, audit, encounters, patients  # noqa: F401  (metadata)
    from tcm_app.models import codes as code_models  # noqa: F401  (metadata)
    from tcm_app.models import inbox as inbox_models  # noqa: F401  (metadata)
    from tcm_app.models import payments as payment_models  # noqa: F401  (metadata)
    from tcm_app.models import registration as registration_models  # noqa: F401  (metadata)
    from tcm_app.services.accounts import load_session_user
    from tcm_app.services.queue import listen_for_commits
    from tcm_app.services.storage import init_storage

    db.init_app(app)
    init_storage(app)
    listen_for_commits()  # queued tasks leave when the unit of work commits
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "tcm_app" / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_session_user)
    celery_init_app(app)
    sock.init_app(app)


def select_locale() -> str:
    """?lang= (remembered in the session), then the user's choice, then Simplified Chinese."""
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # a command or a task: the hospital's language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in supported:
        return asked
    if session.get("lang") in supported:
        return session["lang"]
    if (
        current_user
        and current_user.is_authenticated
        and current_user.preferred_locale in supported
    ):
        return current_user.preferred_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@event.listens_for(Engine, "connect")
def register_sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, wait on locks, and let SQLAlchemy issue BEGIN itself."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


@event.listens_for(Engine, "begin")
def begin_immediate_on_sqlite(conn):
    """Take SQLite's write lock at BEGIN, so transactions queue instead of failing mid-way and
    the audit chain's tail cannot be read by two writers at once."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def register_rate_limits(app: Flask) -> None:
    from tcm_app.views.rate_limits import register_rate_limits as register

    register(app)


def register_navigation(app: Flask) -> None:
    """The core's own menu entries and stylesheet; the domains add theirs in their setup.py."""
    from flask_babel import lazy_gettext as _l

    from tcm_app.config import tel_uri
    from tcm_app.navigation import NavEntry, add_home, add_navigation, in_elder_mode, navigation
    from tcm_app.stylesheets import add_stylesheet, stylesheets
    from tcm_app.views.elder_lists import elder_screen

    add_navigation(
        app,
        NavEntry("patient", "core.patient_home", _l("My visits"), 10),
        NavEntry("patient", "core.encounter_request", _l("Request a visit"), 20),
        NavEntry("patient", "core.family_proxies", _l("Family proxies"), 90),
        NavEntry("doctor", "core.workbench", _l("Workbench"), 10),
        NavEntry("clinic", "core.desk", _l("Front desk"), 10),
        NavEntry("admin", "core.admin_users", _l("Accounts"), 10),
        NavEntry("admin", "core.admin_audit", _l("Audit log"), 20),
        NavEntry("admin", "core.admin_retention", _l("Records past their retention term"), 50),
    )
    for role, home in (
        ("patient", "core.patient_home"),
        ("doctor", "core.workbench"),
        ("clinic", "core.desk"),
        ("admin", "core.admin_users"),
    ):
        add_home(app, role, home)
    add_stylesheet(app, "static", "app.css")
    app.jinja_env.globals.update(
        navigation=navigation,
        stylesheets=stylesheets,
        in_elder_mode=in_elder_mode,
        elder_screen=elder_screen,
        clinic_tel=lambda: tel_uri(app.config["CLINIC_PHONE"]),
    )


def register_panels(app: Flask) -> None:
    """The core's own panels on its pages; the domains add theirs in their setup.py."""
    from tcm_app.panels import ENCOUNTER, WORKBENCH, Panel, add_panels, panels

    add_panels(
        app,
        Panel(ENCOUNTER, "core/encounters/_fee.html", 90),
        Panel(WORKBENCH, "core/_inbox_panel.html", 30),
    )
    app.jinja_env.globals.update(panels=panels)


def register_retention_kinds(app: Flask) -> None:
    """The core's records in the retention report; the domains add theirs in their setup.py."""
    from flask_babel import lazy_gettext as _l

    from tcm_app.common.retention import MEDICAL_RECORD, PROCESS_RECORD
    from tcm_app.models.audit import AuditEntry
    from tcm_app.models.encounters import ClinicalDocument, Encounter
    from tcm_app.services.retention import RetentionKind, add_retention_kinds

    add_retention_kinds(
        app,
        RetentionKind(_l("Visits"), MEDICAL_RECORD, Encounter.scheduled_on),
        RetentionKind(
            _l("Prior-diagnosis documents"),
            MEDICAL_RECORD,
            ClinicalDocument.uploaded_at,
            ClinicalDocument.retain_until,
        ),
        RetentionKind(_l("Audit log entries"), PROCESS_RECORD, AuditEntry.occurred_at),
    )


def register_blueprints(app: Flask) -> None:
    # Importing the route modules attaches their views to the blueprints.
    from tcm_app.api import auth, encounters, openapi, reference  # noqa: F401
    from tcm_app.api.blueprint import bp as api_bp
    from tcm_app.domains import init_domains
    from tcm_app.views import admin, elder, health, patients, workbench  # noqa: F401
    from tcm_app.views import auth as auth_views  # noqa: F401
    from tcm_app.views import encounters as encounter_views  # noqa: F401
    from tcm_app.views import inbox as inbox_views  # noqa: F401
    from tcm_app.views import payments as payment_views  # noqa: F401
    from tcm_app.views.blueprint import auth_bp, core_bp
    from tcm_app.views.recovery import register_recovery

    register_recovery(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(core_bp)
    # The domains nest their API blueprints in the core one (register_api): before it is registered.
    init_domains(app)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # the API takes bearer tokens only, never the session cookie


def register_errors(app: Flask) -> None:
    from tcm_app.views.errors import register_error_handlers

    register_error_handlers(app)


def register_commands(app: Flask) -> None:
    from tcm_app.cli import register_cli

    register_cli(app)
