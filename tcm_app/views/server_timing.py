"""Where a request's time went, for make load (issue 21): with TCM_SERVER_TIMING=1 each response
carries `Server-Timing: db;dur=…;desc="N statements", app;dur=…` (milliseconds): the time spent in
the database's statements (SQLAlchemy's cursor events, summed over the request; it includes this
thread's wait for the interpreter lock while the statement runs) and their number, and the rest
of the request in this process (Python, templates, Redis). Off by default: the header tells a
visitor how slow the database is. Commits are not statements here (they count as app); waiting
for a free thread before the request starts, and nginx, are outside both, so latency minus db and
app is queueing."""

import time

from flask import Flask, g, has_request_context
from sqlalchemy import event

from tcm_app.extensions import db


def register_server_timing(app: Flask) -> None:
    if not app.config.get("SERVER_TIMING"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def statement_starts(conn, cursor, statement, parameters, context, executemany):
        conn.info["statement_started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def statement_ends(conn, cursor, statement, parameters, context, executemany):
        started = conn.info.pop("statement_started", None)
        if started is not None and has_request_context() and "request_started" in g:
            g.db_seconds = g.get("db_seconds", 0.0) + time.perf_counter() - started
            g.db_statements = g.get("db_statements", 0) + 1

    def request_starts():
        g.request_started = time.perf_counter()

    # First of the before-request functions, so that the sign-in check and the others count.
    app.before_request_funcs.setdefault(None, []).insert(0, request_starts)

    @app.after_request
    def add_header(response):
        if "request_started" in g:
            total = time.perf_counter() - g.request_started
            database = g.get("db_seconds", 0.0)
            statements = g.get("db_statements", 0)
            response.headers["Server-Timing"] = (
                f'db;dur={1000 * database:.1f};desc="{statements} statements", '
                f"app;dur={1000 * (total - database):.1f}"
            )
        return response
