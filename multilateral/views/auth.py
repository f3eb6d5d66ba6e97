"""Login for pages (sessions), bearer tokens for the API, and role checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from multilateral.extensions import csrf, db, login_manager
from multilateral.models import User
from multilateral.models.audit import acting_user
from multilateral.services import accounts
from multilateral.views.errors import error_response, wants_json

__all__ = ["bp", "init_app", "require_role"]

bp = Blueprint("auth", __name__)

#: Endpoints anyone may reach.
PUBLIC_ENDPOINTS = {"auth.login", "api.health", "static"}

F = TypeVar("F", bound=Callable[..., Any])


class LoginForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _before_request() -> Any:
    token = _bearer_token()
    if token is not None:
        user = accounts.user_for_token(token)
        if user is None:
            return error_response(401, "bad-token", "The API token is not valid.")
        db.session.commit()  # keeps last_used_at
        login_user(user)
        g.token_auth = True
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


def _after_request(response: Any) -> Any:
    if g.get("token_auth"):
        # A token authenticates one request; it must not leave a session cookie behind.
        logout_user()
    return response


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
            user = accounts.authenticate(form.username.data or "", form.password.data or "")
            if user is not None:
                login_user(user)
                return redirect(_safe_next(request.args.get("next")))
        # One message whatever went wrong: it must not reveal whether the user exists.
        flash("Wrong user name or password.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    logout_user()
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    app.before_request(_before_request)
    app.after_request(_after_request)
