"""Login for pages (sessions), bearer tokens for the API, role checks, the password page
and the admin page of API tokens."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Request,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from multilateral.errors import ServiceError
from multilateral.extensions import csrf, db, login_manager
from multilateral.models import User
from multilateral.models.audit import acting_user
from multilateral.models.base import utcnow
from multilateral.services import accounts
from multilateral.views.errors import error_response, wants_json

__all__ = ["bp", "init_app", "require_role"]

bp = Blueprint("auth", __name__)

#: Endpoints anyone may reach.
PUBLIC_ENDPOINTS = {"auth.login", "api.health", "static"}
#: The one answer to every failed login, whatever went wrong (unknown name, wrong
#: password, locked out): it must not tell an attacker which.
LOGIN_FAILED = "Wrong user name or password."

F = TypeVar("F", bound=Callable[..., Any])


class LoginForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField("New password", validators=[DataRequired()])
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new", message="The new passwords differ.")],
    )


class TokenSessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions, except that a request carrying a bearer token never sends a
    session cookie back: the token speaks for that one request, and a browser's own
    session (if it sent one too) must come out of it unchanged."""

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        if g.get("token_auth"):
            return
        super().save_session(app, session, response)


@login_manager.user_loader
def _load_session_user(session_id: str) -> User | None:
    if g.get("token_auth"):
        return None  # the token, not a cookie sent alongside it, says who is asking
    return accounts.user_for_session(session_id)


@login_manager.request_loader
def _load_token_user(_request: Request) -> User | None:
    return g.get("token_user")


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _before_request() -> Any:
    token = _bearer_token()
    if token is not None:
        g.token_auth = True
        try:
            g.token_user = accounts.user_for_token(token)
        except ServiceError as exc:
            return error_response(exc.status, exc.code, exc.message)
        if db.session.dirty:
            db.session.commit()  # keeps last_used_at
    if current_user.is_authenticated:
        acting_user.set((current_user.id, current_user.username))
    else:
        acting_user.set((None, "anonymous"))
        if request.endpoint not in PUBLIC_ENDPOINTS and request.endpoint is not None:
            if wants_json():
                return error_response(401, "unauthorized", "Log in or send a bearer token.")
            return redirect(url_for("auth.login", next=request.full_path))
    if token is None and request.method not in ("GET", "HEAD", "OPTIONS"):
        # Cookie sessions must prove the request came from our own pages.
        csrf.protect()
    return None


def require_role(role: str) -> Callable[[F], F]:
    """Refuse (403) users below ``role``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                abort(401)
            if not current_user.can(role):
                abort(403, description=f"This needs the {role} role.")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _safe_next(target: str | None) -> str:
    if not target:
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return url_for("pages.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if request.method == "POST":
        if form.validate_on_submit():
            user = accounts.log_in(
                form.username.data or "", form.password.data or "", request.remote_addr
            )
            db.session.commit()  # the attempt counts, failed or not
            if user is not None:
                login_user(user)
                return redirect(_safe_next(request.args.get("next")))
        # One message whatever went wrong: it must not reveal whether the user exists.
        flash(LOGIN_FAILED, "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    if current_user.is_authenticated and not g.get("token_auth"):
        # Not just forgetting the cookie: a copy of it must stop working too.
        accounts.end_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> Any:
    """A new password for the logged-in user; every other session of theirs ends."""
    form = PasswordForm()
    if request.method == "GET" or not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/password.html", form=form), status
    user: User = current_user._get_current_object()
    try:
        changed = accounts.change_password(
            user, form.current.data or "", form.new.data or "", request.remote_addr
        )
    except ServiceError as exc:
        db.session.rollback()
        form.new.errors = [exc.message]
        return render_template("auth/password.html", form=form), exc.status
    db.session.commit()  # the new password, or the failed attempt (it counts)
    if not changed:
        form.current.errors = ["The current password is wrong."]
        return render_template("auth/password.html", form=form), 400
    login_user(user)  # this session carries on with the new session version
    flash("Your password was changed; any other sessions were logged out.", "success")
    return redirect(url_for("pages.home"))


@bp.route("/admin/tokens")
@require_role("admin")
def admin_tokens() -> Any:
    return render_template("admin/tokens.html", tokens=accounts.list_tokens(), now=utcnow())


@bp.route("/admin/tokens/<int:token_id>/revoke", methods=["POST"])
@require_role("admin")
def revoke_token(token_id: int) -> Any:
    token = accounts.revoke_token(token_id)
    db.session.commit()
    flash(f"Token {token.id} ({token.name or 'unnamed'}) of {token.user.username} is revoked.")
    return redirect(url_for("auth.admin_tokens"))


def init_app(app: Flask) -> None:
    app.session_interface = TokenSessionInterface()
    app.before_request(_before_request)
