"""Fixtures: an app on a fresh, migrated database per test (SQLite, or PostgreSQL when
TCM_TEST_PG_URL is set) and its clients. The create_* factories are in tests/factories.py."""

import os
import shutil
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from cryptography.fernet import Fernet
from flask_migrate import upgrade
from werkzeug.serving import WSGIRequestHandler, make_server

from tcm_app.app import create_app
from tcm_app.extensions import db
from tests.factories import IsolatedClient

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TCM_TEST_PG_URL")
# WebRTC end-to-end tests run only inside their private network namespace (make test-webrtc).
collect_ignore = [] if os.environ.get("TCM_WEBRTC_NETNS") else ["webrtc"]
FIELD_KEY = Fernet.generate_key().decode()
# `TCM_TEST_CLINIC_TIME=23:30`: every test starts at the next 23:30 of the clinic (make test-clock).
CLINIC_TIME = os.environ.get("TCM_TEST_CLINIC_TIME")
CLINIC_ZONE = ZoneInfo("Asia/Shanghai")  # BABEL_DEFAULT_TIMEZONE


def pytest_collection_modifyitems(config, items):
    """On the PostgreSQL pass, run again exactly the tests that touch the database, but not the
    browser journeys: they test the pages, once per `make test`, on SQLite."""
    if PG_URL:
        items[:] = [
            item
            for item in items
            if "app" in getattr(item, "fixturenames", ())
            and "tests/journeys" not in str(item.fspath)
        ]


def pytest_report_header(config):
    clock = f", clinic time {CLINIC_TIME} ({CLINIC_ZONE})" if CLINIC_TIME else ""
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}{clock}"


def next_clinic_time(hh_mm: str, now: datetime | None = None) -> datetime:
    """The next moment the clinic's wall clock reads `hh_mm` (aware, in the clinic's zone)."""
    now = (now or datetime.now(CLINIC_ZONE)).astimezone(CLINIC_ZONE)
    hour, minute = (int(part) for part in hh_mm.split(":"))
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment if moment > now else moment + timedelta(days=1)


@pytest.fixture(autouse=True)
def clinic_time():
    """With TCM_TEST_CLINIC_TIME set, the test runs from that clinic time on (the clock ticks);
    the app, its server threads and the test all read the same frozen start. Travelling in UTC
    keeps the process on UTC, as a server is (a zone-aware destination would also set TZ to the
    clinic's zone and hide a server-local `date.today()`)."""
    if not CLINIC_TIME:
        yield None
        return
    with time_machine.travel(next_clinic_time(CLINIC_TIME).astimezone(UTC), tick=True) as traveller:
        yield traveller


def base_config(database_url: str, tmp: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-" + "x" * 40,
        "FIELD_ENCRYPTION_KEY": FIELD_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return config


def migrate_to(database_url: str, tmp: Path) -> None:
    """Migrate, then load the shipped herb catalogue once (every test database has it)."""
    from herbs.services import catalogue, formulas
    from treatments.services import catalogue as therapies

    app = create_app(base_config(database_url, tmp))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        catalogue.import_herbs()
        formulas.import_formulas()
        therapies.import_therapies()
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """Migrate once; each test then gets its own copy (a file copy, or CREATE DATABASE TEMPLATE)."""
    tmp = tmp_path_factory.mktemp("template")
    if PG_URL:
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("DROP DATABASE IF EXISTS tcm_template")
            conn.exec_driver_sql("CREATE DATABASE tcm_template")
        migrate_to(PG_URL.rsplit("/", 1)[0] + "/tcm_template", tmp)
        yield admin
        admin.dispose()
    else:
        path = tmp / "template.db"
        migrate_to(f"sqlite:///{path}", tmp)
        yield path


@pytest.fixture
def database_url(template_database, tmp_path):
    if PG_URL:
        name = f"tcm_t_{uuid.uuid4().hex[:12]}"
        with template_database.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE tcm_template")
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
        with template_database.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    else:
        path = tmp_path / "test.db"
        shutil.copyfile(template_database, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def config_overrides():
    """Override in a test module to change settings (e.g. enable CSRF or rate limits)."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, config_overrides):
    app = create_app(base_config(database_url, tmp_path, **config_overrides))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class QuietHandler(WSGIRequestHandler):
    """No access log: a socket thread may log after the test's log capture has closed."""

    def log_request(self, *args, **kwargs):
        pass


def static_files_read_at_once(app):
    """Werkzeug's development server reads what is left of the request before it closes the
    response body, so a connection dropped at that moment (the network-fault tests cut the
    loopback mid-page) leaves a static file open, and the garbage collector's ResourceWarning
    fails whichever test is running. Static files are small: read them and close them at once."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        if not environ.get("PATH_INFO", "").startswith("/static/"):
            return body
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


def serve_in_thread(app):
    """A real threaded server on a free loopback port (WebSockets and browsers need one)."""
    wsgi = static_files_read_at_once(app)
    server = make_server("127.0.0.1", 0, wsgi, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def live_server(app):
    server = serve_in_thread(app)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    wait_for_sockets_to_close(app)


def wait_for_sockets_to_close(app, seconds: float = 5.0) -> None:
    """Let WebSocket handlers record their leaving before the test's database goes away."""
    hub = app.extensions["consult_hub"]
    deadline = time.monotonic() + seconds
    while hub.connection_count() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # the last handler commits its "left" event after leaving the hub


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
