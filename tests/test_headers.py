"""Security headers on every response, Secure cookies and HSTS in production, trusted
proxies, and pages free of inline script, inline handlers and inline styles (which the
Content-Security-Policy would block)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from multilateral import create_app
from multilateral.config import PROJECT_ROOT
from multilateral.extensions import db
from multilateral.models.accounts import LoginAttempt
from multilateral.security import CONTENT_SECURITY_POLICY, SVG_POLICY
from tests.conftest import PASSWORD, csrf_token, login
from tests.test_positions import _document

#: Inline script, inline event handlers (onclick=…), style attributes and <style> elements.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style\b|javascript:", re.I
)
#: The world map's own <style> (hover outlines), still inlined by maps/worldmap.py; its
#: rules are in site.css now, so once worldmap.py stops inlining it this matches nothing.
MAP_STYLE = re.compile(r"(<svg[^>]*\bclass=\"wm\"[^>]*>.*?)<style>[^<]*</style>", re.S)


def _headers_ok(response) -> None:
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_every_response_carries_the_security_headers(client: FlaskClient, auth) -> None:
    for response in (
        client.get("/login"),
        client.get("/api/health"),
        client.get("/static/css/site.css"),
        client.get("/api/forums", headers=auth("viewer")),
        client.get("/no-such-page", headers=auth("viewer")),
        client.get("/api/forums", headers={"Authorization": "Bearer wrong"}),
    ):
        _headers_ok(response)
        assert "Strict-Transport-Security" not in response.headers  # not in testing
        response.close()  # the static file is streamed from an open file
    policy = CONTENT_SECURITY_POLICY
    for directive in ("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_standalone_map_svg_may_style_itself_but_load_and_run_nothing(
    client: FlaskClient, auth
) -> None:
    response = client.get("/api/treaties/palermo-protocol/map.svg", headers=auth("viewer"))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == SVG_POLICY
    assert "script-src" not in SVG_POLICY and "default-src 'none'" in SVG_POLICY


def _app(tmp_path: Path, **settings: object) -> Flask:
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            "INDEX_DIR": str(tmp_path / "index"),
            "SECRET_KEY": "a real secret",
            **settings,
        }
    )


def test_production_sends_secure_cookies_and_hsts(tmp_path: Path) -> None:
    app = _app(tmp_path, ENV_NAME="production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/login", base_url="https://localhost")
    _headers_ok(response)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "settings", [{"ENV_NAME": "development"}, {"ENV_NAME": "production", "TESTING": True}]
)
def test_elsewhere_cookies_work_over_plain_http(tmp_path: Path, settings) -> None:
    app = _app(tmp_path, **settings)
    assert not app.config["SESSION_COOKIE_SECURE"]
    response = app.test_client().get("/login")
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]


def test_trusted_proxies_give_the_client_address_to_the_login_throttle(app: Flask) -> None:
    settings = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "INDEX_DIR")
    behind_proxy = create_app({**{k: app.config[k] for k in settings}, "TRUSTED_PROXIES": 1})
    client = behind_proxy.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    token = csrf_token(client)
    client.post(
        "/login",
        data={"username": "viewer", "password": "wrong", "csrf_token": token},
        headers=forwarded,
    )
    plain = app.test_client()  # trusts no proxy: the header is ignored
    plain.post(
        "/login",
        data={"username": "viewer", "password": "wrong", "csrf_token": csrf_token(plain)},
        headers=forwarded,
    )
    with app.app_context():
        addresses = db.session.scalars(db.select(LoginAttempt.remote_addr).order_by("id")).all()
    assert addresses == ["203.0.113.9", "127.0.0.1"]
    with behind_proxy.app_context():
        db.session.remove()
        db.engine.dispose()


def test_templates_hold_no_inline_script_handler_or_style() -> None:
    found = []
    for path in sorted(Path(PROJECT_ROOT, "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_rendered_pages_hold_no_inline_script_handler_or_style(
    app: Flask, client: FlaskClient, auth
) -> None:
    from tests.test_compare import PALERMO, _doc_id

    palermo = _doc_id(app, PALERMO)
    mine = _document(client, auth)
    login(client, "admin")
    pages = [
        "/",
        "/documents",
        f"/documents/{palermo}",
        f"/documents/{palermo}/compare?from=1&to=2",
        f"/documents/{palermo}/compare?from=1&to=2&view=inline",
        f"/documents/{palermo}/upload",
        "/documents/new",
        "/search?q=trafficking",
        "/classify",
        "/treaties",
        "/treaties/palermo-protocol",
        "/treaties/palermo-protocol?forum=osce&as_of=2010",
        "/treaties/new",
        "/countries/FRA",
        f"/documents/{mine}/versions/1/positions",
        "/account/password",
        "/admin/tokens",
        "/no-such-page",
    ]
    preview = client.post(
        f"/documents/{palermo}/upload",
        data={
            "text": "Article 1\n1. States shall act.\n(a) To prevent trafficking;\n",
            "label": "Rev.9",
            "csrf_token": csrf_token(client, f"/documents/{palermo}/upload"),
        },
    )
    assert preview.status_code == 200 and "nested-cell" in preview.get_data(as_text=True)
    found, map_styles = [], 0
    for url, response in [(url, client.get(url)) for url in pages] + [("preview", preview)]:
        assert response.status_code in (200, 404), (url, response.status_code)
        html, n = MAP_STYLE.subn(r"\1", response.get_data(as_text=True))
        map_styles += n
        found += [f"{url}: {m.group(0)}" for m in INLINE.finditer(html)]
    assert found == []
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert INLINE.search(client.get("/login").get_data(as_text=True)) is None
    # The world map inline in the treaty page carries no <style> (its rules are in site.css).
    assert map_styles == 0


def test_login_needs_the_password_still(client: FlaskClient) -> None:
    """The headers change nothing about logging in."""
    token = csrf_token(client)
    response = client.post(
        "/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    _headers_ok(response)
