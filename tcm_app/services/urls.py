"""Addresses that leave the browser: QR codes on printed papers, calendar feeds, links in
reminders. They must point at the clinic's public address, wherever they are built.

The one rule, in this order:
1. `PUBLIC_BASE_URL` (TCM_PUBLIC_BASE_URL) when set: the address patients and phones can reach,
   whatever host the request came in on (a reverse proxy, a ward computer on the LAN);
2. otherwise, inside a request: the request's own scheme and host (as url_for(_external=True));
3. otherwise (a Celery task, a CLI command) with Flask's `SERVER_NAME` set: that name;
4. otherwise: the path on this site alone. Never an error: a reminder task must not fail because
   a development setup (make run, the README's commands) has no public address; production sets
   PUBLIC_BASE_URL (README, settings), and the path is right for the in-app inbox."""

from flask import current_app, has_request_context, url_for


def public_url(endpoint: str, **values) -> str:
    """The absolute address of `endpoint` for use outside this browser tab (see the rule above)."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base:
        return base + site_path(endpoint, **values)
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    return site_path(endpoint, **values)


def site_path(endpoint: str, **values) -> str:
    """The path of `endpoint` on this site, with or without a request (tasks have none)."""
    if has_request_context():
        return url_for(endpoint, **values)
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    return current_app.url_map.bind("localhost", script_name=root).build(endpoint, values)
