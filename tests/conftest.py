"""Fixtures: an app on a fresh, migrated database per test (SQLite, or PostgreSQL when
TCM_TEST_PG_URL is set) and its clients. The create_* factories are in tests/factories.py."""

import os
import shutil
import threading
import uuid
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
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
from tcm_app.services.reference_data import load_reference_data
from tests.chromium import browser, chromium, playwright  # noqa: F401  (fixtures, on demand)
from tests.factories import IsolatedClient
from tests.polling import wait_until
from tests.redis_server import RedisServer
from tests.shared_compilation import share_compilation_between_apps

ROOT = Path(__file__).resolve().parent.parent
share_compilation_between_apps()
PG_URL = os.environ.get("TCM_TEST_PG_URL")
# WebRTC end-to-end tests run only inside their private network namespace (make test-webrtc).
collect_ignore = [] if os.environ.get("TCM_WEBRTC_NETNS") else ["webrtc"]
FIELD_KEY = Fernet.generate_key().decode()
# `TCM_TEST_CLINIC_TIME=23:30`: every test starts at the next 23:30 of the clinic (make test-clock).
CLINIC_TIME = os.environ.get("TCM_TEST_CLINIC_TIME")
CLINIC_ZONE = ZoneInfo("Asia/Shanghai")  # BABEL_DEFAULT_TIMEZONE


# Chromium drives the pages: once per `make test`, on SQLite (the PostgreSQL pass leaves them out).
BROWSER_TESTS = ("tests/journeys", "tests/browser")


def pytest_collection_modifyitems(config, items):
    """On the PostgreSQL pass, run again exactly the tests that touch the database, but not the
    browser tests: they test the pages, once per `make test`, on SQLite."""
    if PG_URL:
        items[:] = [
            item
            for item in items
            if "app" in getattr(item, "fixturenames", ())
            and not any(folder in str(item.fspath) for folder in BROWSER_TESTS)
        ]


def pytest_sessionstart(session):
    """The journeys record axe-core's findings (tests/a11y/axe.py; off with TCM_AXE=0): a fresh
    record per run, started once (by the xdist controller, not by each worker)."""
    from tests.a11y import axe

    if axe.enabled() and not hasattr(session.config, "workerinput"):
        axe.start_journey_report()


def pytest_terminal_summary(terminalreporter):
    from tests.a11y import axe

    if axe.enabled() and axe.JOURNEY_REPORT.exists():  # a run without journeys says nothing
        terminalreporter.section("accessibility (axe-core on the journeys' pages)")
        for line in axe.journey_summary():
            terminalreporter.write_line(line)


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
    """Migrate, then load the reference data the domains ship once (every test database has the
    herb catalogue, the formula templates and the therapies, as after `make run`)."""
    app = create_app(base_config(database_url, tmp))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_reference_data(app)
        db.session.commit()
        db.engine.dispose()


# One template per pytest-xdist worker (gw0, gw1, ...; "main" when not distributed): a worker
# migrates and copies its own, never one another worker is dropping or being copied from.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


class DatabaseCopies:
    """Each test's own copy of the PostgreSQL template, made one test ahead and dropped behind on
    a thread of their own: CREATE DATABASE and DROP DATABASE (a tenth of a second or more each)
    run while the previous test runs, and each test still starts from a fresh copy."""

    def __init__(self, admin: sa.Engine, template: str):
        self.admin = admin
        self.template = template
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-databases")
        self.drops: list[Future] = []
        with admin.connect() as conn:
            version = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())
        self.strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""
        self.next = self.worker.submit(self._create)

    def take(self) -> str:
        name = self.next.result()
        self.next = self.worker.submit(self._create)
        return name

    def give_back(self, name: str) -> None:
        self.drops.append(self.worker.submit(self._drop, name))

    def close(self) -> None:
        self.give_back(self.next.result())
        self.worker.shutdown(wait=True)
        for drop in self.drops:
            drop.result()  # a failed DROP DATABASE fails the session, not silently

    def _create(self) -> str:
        name = f"tcm_t_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            # FILE_COPY (PostgreSQL 15+): a quarter of the time of the default WAL_LOG, which
            # writes every page of the template through the write-ahead log.
            conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {self.template}{self.strategy}")
        return name

    def _drop(self, name: str) -> None:
        # FORCE: a server thread of the test may still hold a connection.
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """Migrate once per worker; each test then gets its own copy (a file copy, or CREATE DATABASE
    TEMPLATE)."""
    tmp = tmp_path_factory.mktemp("template")
    if PG_URL:
        template = f"tcm_template_{WORKER}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {template}")
            conn.exec_driver_sql(f"CREATE DATABASE {template}")
        migrate_to(PG_URL.rsplit("/", 1)[0] + "/" + template, tmp)
        copies = DatabaseCopies(admin, template)
        yield copies
        copies.close()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {template}")
        admin.dispose()
    else:
        path = tmp / "template.db"
        migrate_to(f"sqlite:///{path}", tmp)
        yield path


@pytest.fixture
def database_url(template_database, tmp_path):
    if PG_URL:
        name = template_database.take()
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
        template_database.give_back(name)
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
        if "/static/" not in environ.get("PATH_INFO", ""):  # the app's and each domain's
            return body
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


class RequestsInFlight:
    """Counts the requests an app is handling on its test servers (a WebSocket's request lasts
    as long as its socket, and its handler records the leaving inside it)."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    def around(self, wsgi):
        def counted(environ, start_response):
            with self.lock:
                self.count += 1
            try:
                return wsgi(environ, start_response)
            finally:
                with self.lock:
                    self.count -= 1

        return counted


# Per app: the requests its servers are still handling (see wait_for_sockets_to_close).
IN_FLIGHT: "weakref.WeakKeyDictionary[object, RequestsInFlight]" = weakref.WeakKeyDictionary()


def serve_in_thread(app):
    """A real threaded server on a free loopback port (WebSockets and browsers need one)."""
    in_flight = IN_FLIGHT.setdefault(app, RequestsInFlight())
    wsgi = in_flight.around(static_files_read_at_once(app))
    server = make_server("127.0.0.1", 0, wsgi, threaded=True, request_handler=QuietHandler)
    # A short poll: shutdown() waits for the loop to look (half a second by default, each test).
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture
def live_server(app):
    server = serve_in_thread(app)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    wait_for_sockets_to_close(app)


def wait_for_sockets_to_close(app, seconds: float = 5.0) -> None:
    """Let WebSocket handlers leave the hub and record their leaving (they commit the "left"
    event after leaving the hub, inside their request) before the test's database goes away."""
    hub = app.extensions["consult_hub"]
    in_flight = IN_FLIGHT.get(app)
    # The test's own session may still hold SQLite's write lock (every transaction there begins
    # IMMEDIATE): a handler recording its leaving would wait for it until the busy timeout.
    db.session.remove()

    def settled() -> bool:
        return not hub.connection_count() and not (in_flight and in_flight.count)

    wait_until(settled, seconds, fail=False)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real, private Redis on loopback for the whole session (or TCM_TEST_REDIS_URL)."""
    if os.environ.get("TCM_TEST_REDIS_URL"):
        yield os.environ["TCM_TEST_REDIS_URL"]
        return
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
