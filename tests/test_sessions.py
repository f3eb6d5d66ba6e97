"""Sessions and tokens: login throttling that reveals nothing, sessions that end for good
(log-out, new password), API tokens with a lifetime, revocation and an admin page, and
bearer requests that leave the browser's session alone."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from multilateral.extensions import db
from multilateral.models import ApiToken, User
from multilateral.models.accounts import LoginAttempt
from multilateral.services import accounts
from tests.conftest import PASSWORD, csrf_token, login

NEW_DOC = {"title": "Trafficking in women and girls", "forum": "un-ga", "kind": "resolution"}
T0 = datetime(2026, 3, 1, 9, 0)


def _client(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _post_login(client: FlaskClient, username: str, password: str):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )


def _page(response, name: str) -> str:
    """The page without what legitimately differs: the name echoed back, CSRF tokens."""
    html = response.get_data(as_text=True).replace(name, "X")
    return re.sub(r'(csrf[-_]token"[^>]*(?:value|content)=")[^"]+', r"\1", html)


# --- Throttling ---------------------------------------------------------------------------


def test_lock_out_refuses_the_right_password_and_looks_like_a_wrong_one(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [T0]
    monkeypatch.setattr(accounts, "utcnow", lambda: clock[0])
    attacker = _client(app, "192.0.2.10")
    for _ in range(30):
        wrong = _post_login(attacker, "viewer", "not the password")
        assert wrong.status_code == 401
    locked = _post_login(attacker, "viewer", PASSWORD)
    assert locked.status_code == 401
    assert "Wrong user name or password." in locked.get_data(as_text=True)
    assert "lock" not in locked.get_data(as_text=True).lower()
    assert _page(locked, "viewer") == _page(wrong, "viewer")

    # The real user, elsewhere, is locked out too (per name) …
    elsewhere = _client(app, "198.51.100.7")
    assert _post_login(elsewhere, "viewer", PASSWORD).status_code == 401
    # … but other users are not …
    assert _post_login(elsewhere, "negotiator", PASSWORD).status_code == 302
    assert _post_login(attacker, "admin", PASSWORD).status_code == 302
    # … unless they come from an address that failed 20 times (5 failures against
    # "viewer" counted; the 25 refused attempts did not).
    for i in range(15):
        assert _post_login(attacker, f"user{i}", "a guess").status_code == 401
    assert _post_login(attacker, "admin", PASSWORD).status_code == 401

    clock[0] = T0 + timedelta(minutes=14)
    assert _post_login(elsewhere, "viewer", PASSWORD).status_code == 401
    # Refused attempts do not prolong the lock-out: it ends 15 minutes after the failures.
    clock[0] = T0 + timedelta(minutes=15, seconds=1)
    assert _post_login(elsewhere, "viewer", PASSWORD).status_code == 302
    assert _post_login(attacker, "admin", PASSWORD).status_code == 302


def test_lock_out_rules(app: Flask) -> None:
    """The service with a clock passed in: N failures within the window lock the name."""
    with app.app_context():
        viewer = db.session.scalar(db.select(User).filter_by(username="viewer"))

        def attempt(password: str, minutes: float, address: str = "192.0.2.1") -> bool:
            now = T0 + timedelta(minutes=minutes)
            return accounts.log_in("viewer", password, address, now=now) is viewer

        assert accounts.normalise_username("  Viewer ") == "viewer"
        # Four failures, then a success: the count starts again.
        for minute in range(4):
            assert not attempt("wrong", minute)
        assert attempt(PASSWORD, 4)
        for minute in range(5, 9):
            assert not attempt("wrong", minute)
        assert attempt(PASSWORD, 9)
        # Five failures spread wider than the window do not lock …
        for minute in (10, 14, 18, 22, 26):
            assert not attempt("wrong", minute)
        assert attempt(PASSWORD, 27)
        # … five within it do, from any mix of addresses, until 15 minutes later.
        for i, minute in enumerate((30, 31, 32, 33, 34)):
            assert not attempt("wrong", minute, f"192.0.2.{i + 2}")
        assert not attempt(PASSWORD, 35)
        assert not attempt(PASSWORD, 48.9)
        assert attempt(PASSWORD, 49.1)
        outcomes = db.session.scalars(
            db.select(LoginAttempt.outcome).order_by(LoginAttempt.at.desc()).limit(3)
        ).all()
        assert outcomes == ["success", "refused", "refused"]
        # Old rows are pruned as attempts come in.
        accounts.log_in("viewer", "wrong", "192.0.2.1", now=T0 + timedelta(days=1))
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginAttempt)) == 1


def test_failures_count_even_for_names_that_do_not_exist(app: Flask) -> None:
    with app.app_context():
        for _ in range(5):
            assert accounts.log_in("nobody", "x", "192.0.2.1", now=T0) is None
        names = db.session.scalars(db.select(LoginAttempt.username).distinct()).all()
        assert names == ["nobody"]


def test_the_lock_out_holds_across_processes(app: Flask) -> None:
    """A second application (another gunicorn worker) sees the same failures."""
    from multilateral import create_app

    first = _client(app, "192.0.2.20")
    for _ in range(5):
        _post_login(first, "admin", "wrong")
    settings = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "INDEX_DIR")
    other = create_app({name: app.config[name] for name in settings})
    second = _client(other, "192.0.2.21")
    assert _post_login(second, "admin", PASSWORD).status_code == 401
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


# --- Sessions -----------------------------------------------------------------------------


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app: Flask, cookie: str) -> FlaskClient:
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def test_a_logged_out_session_cookie_is_useless_when_replayed(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "viewer")
    stolen = _session_cookie(client)
    assert _replay(app, stolen).get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/").status_code == 302
    replayed = _replay(app, stolen)
    assert replayed.get("/").status_code == 302
    assert replayed.get("/api/forums").status_code == 401


def test_a_new_password_ends_every_other_session(app: Flask) -> None:
    mine, other = app.test_client(), app.test_client()
    login(mine, "negotiator")
    login(other, "negotiator")
    page = mine.get("/account/password")
    assert page.status_code == 200 and "Current password" in page.get_data(as_text=True)
    token = csrf_token(mine, "/account/password")

    def change(current: str, new: str, confirm: str | None = None):
        return mine.post(
            "/account/password",
            data={"current": current, "new": new, "confirm": confirm or new, "csrf_token": token},
        )

    assert change(PASSWORD, "short").status_code == 400
    assert change(PASSWORD, "a new long password", "a different one!!").status_code == 400
    wrong = change("not my password", "a new long password")
    assert wrong.status_code == 400
    assert "The current password is wrong." in wrong.get_data(as_text=True)
    with app.app_context():  # the wrong guess counts against the login throttle
        failures = db.select(db.func.count()).where(LoginAttempt.outcome == "failure")
        assert db.session.scalar(failures) == 1
    assert other.get("/").status_code == 200

    changed = change(PASSWORD, "a new long password")
    assert changed.status_code == 302
    assert mine.get("/").status_code == 200  # this session carries on …
    assert other.get("/").status_code == 302  # … the other one is over
    fresh = app.test_client()
    assert _post_login(fresh, "negotiator", PASSWORD).status_code == 401
    assert _post_login(fresh, "negotiator", "a new long password").status_code == 302


def test_a_session_from_before_session_versions_is_refused(app: Flask) -> None:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"  # what Flask-Login stored before "<id>:<version>"
    assert client.get("/").status_code == 302


# --- API tokens ---------------------------------------------------------------------------


def _token_row(app: Flask, token: str) -> ApiToken:
    with app.app_context():
        row = accounts.find_token(token)
        assert row is not None
        db.session.expunge(row)
        return row


def test_create_token_with_a_name_and_a_lifetime(app: Flask, runner) -> None:
    result = runner.invoke(args=["create-token", "viewer", "--name", "nightly import"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    row = _token_row(app, token)
    assert row.name == "nightly import"
    assert row.expires_at - row.created_at == timedelta(days=90)
    assert f"Token {row.id} for 'viewer' expires" in result.stderr

    short = runner.invoke(args=["create-token", "viewer", "--days", "7"])
    row = _token_row(app, short.stdout.strip())
    assert row.expires_at - row.created_at == timedelta(days=7)
    for days in ("0", "366"):
        refused = runner.invoke(args=["create-token", "viewer", "--days", days])
        assert refused.exit_code != 0 and "between 1 and 365 days" in refused.output
    assert runner.invoke(args=["create-token", "nobody"]).exit_code != 0


def test_expired_and_revoked_tokens_get_401_saying_why(
    app: Flask, client: FlaskClient, runner
) -> None:
    with app.app_context():
        viewer = db.session.scalar(db.select(User).filter_by(username="viewer"))
        expired = accounts.create_token(viewer, days=1, now=datetime(2020, 1, 1))
        revoked = accounts.create_token(viewer, name="laptop")
        db.session.commit()
        revoked_id = accounts.find_token(revoked).id

    def get(token: str):
        return client.get("/api/forums", headers={"Authorization": f"Bearer {token}"})

    response = get(expired)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "token-expired"
    assert "expired on 2020-01-02" in response.json["error"]["message"]

    assert get(revoked).status_code == 200
    result = runner.invoke(args=["revoke-token", str(revoked_id)])
    assert result.exit_code == 0 and "(laptop) of 'viewer' is revoked" in result.output
    response = get(revoked)
    assert response.status_code == 401 and response.json["error"]["code"] == "token-revoked"
    again = runner.invoke(args=["revoke-token", str(revoked_id)])
    assert again.exit_code == 0  # revoking twice changes nothing
    assert runner.invoke(args=["revoke-token", "99999"]).exit_code != 0
    # Pages answer in HTML, with the same status.
    page = client.get("/documents", headers={"Authorization": f"Bearer {revoked}"})
    assert page.status_code == 401 and "revoked" in page.get_data(as_text=True)


def test_last_used_is_written_at_most_once_a_minute(app: Flask) -> None:
    with app.app_context():
        viewer = db.session.scalar(db.select(User).filter_by(username="viewer"))
        token = accounts.create_token(viewer, now=T0)
        row = accounts.find_token(token)
        assert row.last_used_at is None
        accounts.user_for_token(token, now=T0 + timedelta(seconds=5))
        assert row.last_used_at == T0 + timedelta(seconds=5)
        accounts.user_for_token(token, now=T0 + timedelta(seconds=50))
        assert row.last_used_at == T0 + timedelta(seconds=5)
        accounts.user_for_token(token, now=T0 + timedelta(seconds=65))
        assert row.last_used_at == T0 + timedelta(seconds=65)


def test_a_bearer_request_leaves_the_browser_session_alone(
    app: Flask, client: FlaskClient, auth
) -> None:
    login(client, "viewer")
    before = _session_cookie(client)
    # The token, not the session cookie sent with it, says who is asking …
    created = client.post("/api/documents", json=NEW_DOC, headers=auth("negotiator"))
    assert created.status_code == 201
    assert "Set-Cookie" not in created.headers
    assert client.post("/api/documents", json=NEW_DOC, headers=auth("viewer")).status_code == 403
    refused = client.get("/api/forums", headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401 and "Set-Cookie" not in refused.headers
    # … and the browser is still logged in as itself, with the same cookie.
    assert _session_cookie(client) == before
    home = client.get("/")
    assert home.status_code == 200 and ">viewer</a> (viewer)" in home.get_data(as_text=True)
    # A token alone leaves no session behind.
    fresh = app.test_client()
    assert "Set-Cookie" not in fresh.get("/", headers=auth("admin")).headers
    assert fresh.get("/api/forums").status_code == 401


# --- The admin page -----------------------------------------------------------------------


def test_admins_list_and_revoke_tokens(app: Flask, client: FlaskClient, auth) -> None:
    with app.app_context():
        viewer = db.session.scalar(db.select(User).filter_by(username="viewer"))
        token = accounts.create_token(viewer, name="CI job <script>")
        db.session.commit()
        row = accounts.find_token(token)
        token_id, token_hash = row.id, row.token_hash

    login(client, "viewer")
    assert client.get("/admin/tokens").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "admin")
    page = client.get("/admin/tokens")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-token-id="{token_id}"' in html
    assert "CI job &lt;script&gt;" in html
    assert token not in html and token_hash not in html
    for secret in app.config["API_TOKENS"].values():
        assert secret not in html

    url = f"/admin/tokens/{token_id}/revoke"
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.post(url).status_code == 400  # no CSRF token
    assert client.get("/api/forums", headers=bearer).status_code == 200
    done = client.post(url, data={"csrf_token": csrf_token(client, "/admin/tokens")})
    assert done.status_code == 302
    after = client.get("/admin/tokens").get_data(as_text=True)
    assert "is revoked" in after
    assert re.search(rf'<tr class="token-revoked" data-token-id="{token_id}"', after)
    response = client.get("/api/forums", headers=bearer)
    assert response.status_code == 401 and response.json["error"]["code"] == "token-revoked"
    assert client.post("/admin/tokens/99999/revoke", headers=auth("admin")).status_code == 404
