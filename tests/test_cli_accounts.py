"""Accounts from the command line: ``set-password`` (the same rules and the same end of
sessions as a password change on the page, audited) and the first admin's password that
``bootstrap-admin`` prints once, framed so that it is not lost in ``make run``'s output."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskCliRunner

from multilateral.extensions import db
from multilateral.models import AuditEntry, User
from multilateral.models.audit import REDACTED
from tests.conftest import PASSWORD, csrf_token, login

NEW_PASSWORD = "a brand new long password"


def _login_status(app: Flask, username: str, password: str) -> int:
    """The login form's answer in a fresh browser: 302 when it logs in, 401 when not."""
    client = app.test_client()
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )
    return response.status_code


def test_set_password_replaces_the_password_and_ends_old_sessions(
    app: Flask, runner: FlaskCliRunner
) -> None:
    old_session = app.test_client()
    login(old_session, "negotiator")
    assert old_session.get("/").status_code == 200

    result = runner.invoke(
        args=["set-password", "negotiator", "--password-stdin"], input=f"{NEW_PASSWORD}\n"
    )

    assert result.exit_code == 0, result.output
    assert "New password set for 'negotiator'" in result.output
    assert NEW_PASSWORD not in result.output
    assert old_session.get("/").status_code == 302  # sent to log in again
    assert _login_status(app, "negotiator", PASSWORD) == 401
    assert _login_status(app, "negotiator", NEW_PASSWORD) == 302
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).filter_by(username="negotiator"))
        entry = db.session.scalars(
            db.select(AuditEntry)
            .filter_by(entity="users", entity_id=user_id, action="update")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry is not None and entry.actor == "cli"
    assert entry.before["password_hash"] == entry.after["password_hash"] == REDACTED


def test_set_password_asks_twice_with_hidden_input(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["set-password", "viewer"], input=f"{NEW_PASSWORD}\n" * 2)

    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert NEW_PASSWORD not in result.output
    assert _login_status(app, "viewer", NEW_PASSWORD) == 302


def test_set_password_for_an_unknown_user_says_so_and_exits_1(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(
        args=["set-password", "nobody", "--password-stdin"], input=f"{NEW_PASSWORD}\n"
    )

    assert result.exit_code == 1
    assert "There is no user 'nobody'." in result.output


def test_set_password_refuses_a_weak_or_empty_password(app: Flask, runner: FlaskCliRunner) -> None:
    logged_in = app.test_client()
    login(logged_in, "viewer")

    for weak in ("short", ""):
        result = runner.invoke(
            args=["set-password", "viewer", "--password-stdin"], input=f"{weak}\n"
        )
        assert result.exit_code == 1, result.output
        assert "The password needs at least 10 characters." in result.output

    assert _login_status(app, "viewer", PASSWORD) == 302  # nothing changed
    assert logged_in.get("/").status_code == 200


def test_bootstrap_admin_frames_the_password_shown_once(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():  # a database with no admin yet (the fixtures made one)
        admin = db.session.scalar(db.select(User).filter_by(username="admin"))
        admin.username, admin.role = "former-admin", "negotiator"
        db.session.commit()

    output = runner.invoke(args=["bootstrap-admin"]).output

    lines = output.splitlines()
    framed = [i for i, line in enumerate(lines) if re.fullmatch(r"={40,}", line)]
    assert len(framed) == 2, output
    block = lines[framed[0] + 1 : framed[1]]
    password_line = next(line for line in block if line.startswith("ADMIN PASSWORD"))
    password = password_line.removeprefix("ADMIN PASSWORD (shown once): ")
    assert len(password) >= 10
    assert any("flask --app app set-password admin" in line for line in block)
    assert _login_status(app, "admin", password) == 302
    again = runner.invoke(args=["bootstrap-admin"]).output
    assert "exists already" in again and password not in again
