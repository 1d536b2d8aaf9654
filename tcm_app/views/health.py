"""Liveness and readiness for the load balancer (issue 21): public, JSON, never cached, never
rate limited, and no session cookie (the views do not touch the session).

- GET /healthz: the process answers; nothing else is touched, not even the database.
- GET /readyz: the database, Redis and a Celery worker answer (tcm_app/services/readiness.py);
  200 "ready", or 503 "not_ready" naming each failing check with its reason."""

from flask import current_app, jsonify

from tcm_app.extensions import limiter
from tcm_app.services.readiness import readiness
from tcm_app.views.blueprint import core_bp
from tcm_app.views.guards import public


def never_cached(response, status: int = 200):
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@core_bp.route("/healthz")
@limiter.exempt
@public
def healthz():
    return never_cached(jsonify(status="ok"))


@core_bp.route("/readyz")
@limiter.exempt
@public
def readyz():
    checks = readiness(current_app._get_current_object())
    failing = [name for name, result in checks.items() if not result.ok]
    body = {
        "status": "not_ready" if failing else "ready",
        "checks": {name: result.as_json() for name, result in checks.items()},
    }
    if failing:
        body["failing"] = failing
    return never_cached(jsonify(body), 503 if failing else 200)
