"""Security headers on every answer: no framing (except the few pages shown inside our own), a
content security policy, no sniffing, and no caching of anything that carries health data."""

from flask import Flask, request


def content_security_policy(frame_ancestors: str = "'none'") -> str:
    return (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
        f"object-src 'none'; frame-ancestors {frame_ancestors}; base-uri 'self'; form-action 'self'"
    )


def allow_same_origin_framing(response):
    """For the few pages shown inside our own pages (the prescription editor beside the call)."""
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = content_security_policy("'self'")
    return response


def is_static_file() -> bool:
    """The app's or a blueprint's static files: the same for everyone, fine to cache."""
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        # Pages, API answers, documents and PDFs carry health data: no browser or proxy keeps
        # them (a shared computer's back button, a proxy's cache). An answer that chose its own
        # caching (the icon, a room token) keeps it.
        if not is_static_file() and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
            response.headers.setdefault("Pragma", "no-cache")  # HTTP/1.0 proxies
        return response
