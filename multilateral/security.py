"""Security headers, secure cookies and proxy trust, in one ``register_security(app)`` step.

Login throttling, session invalidation and API tokens live with the accounts
(``services/accounts.py``, ``views/auth.py``); this module holds what applies to every
response."""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

__all__ = ["CONTENT_SECURITY_POLICY", "SVG_POLICY", "is_production", "register_security"]

#: Pages load scripts, styles and images from this server only, run no inline script,
#: inline ``style`` attribute or ``<style>`` element, and cannot be framed. ``data:`` images
#: are allowed for small icons; ``base-uri 'none'`` stops an injected ``<base>`` from
#: redirecting the relative script URLs.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
#: A standalone SVG (the map download) opened as a document: its own ``<style>`` element
#: may apply (hover outlines), but it loads nothing and runs nothing.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"


def is_production(app: Flask) -> bool:
    """Served to real users: ``ENV_NAME=production`` and neither debugging nor testing."""
    return app.config["ENV_NAME"] == "production" and not app.debug and not app.testing


def register_security(app: Flask) -> None:
    """Headers on every response; Secure cookies and HSTS in production; the client's
    address and scheme taken from ``TRUSTED_PROXIES`` reverse proxies, if any (login
    throttling counts failures per address)."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    production = is_production(app)
    if production:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        svg = response.mimetype == "image/svg+xml"
        headers.setdefault(
            "Content-Security-Policy", SVG_POLICY if svg else CONTENT_SECURITY_POLICY
        )
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if production:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
