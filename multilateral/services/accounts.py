"""Users, passwords, login sessions and their throttling, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy.orm import joinedload

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.limits import check_length
from multilateral.models import ROLES, ApiToken, User
from multilateral.models.accounts import LoginAttempt
from multilateral.models.base import utcnow

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "TOKEN_TOUCH_INTERVAL",
    "authenticate",
    "change_password",
    "create_token",
    "create_user",
    "end_sessions",
    "find_token",
    "hash_token",
    "list_tokens",
    "log_in",
    "normalise_username",
    "revoke_token",
    "set_password",
    "user_for_session",
    "user_for_token",
]

_hasher = PasswordHasher()
#: Verified against when the user does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not a real password")

MIN_PASSWORD_LENGTH = 10
#: ``last_used_at`` is written at most this often per token.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
#: Failures read per lock-out check; more than this many in the period locks by itself.
_SCAN_LIMIT = 1000


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            400, "weak-password", f"The password needs at least {MIN_PASSWORD_LENGTH} characters."
        )


def create_user(username: str, password: str, role: str) -> User:
    username = username.strip()
    if not username:
        raise ServiceError(400, "missing-field", "A user name is required.")
    check_length("username", username, User.username)
    if role not in ROLES:
        raise ServiceError(400, "bad-role", f"Role must be one of {', '.join(ROLES)}.")
    _check_new_password(password)
    if db.session.scalar(db.select(User).filter_by(username=username)) is not None:
        raise ServiceError(409, "duplicate-user", f"A user named {username!r} already exists.")
    user = User(username=username, password_hash=_hasher.hash(password), role=role)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with this name and password, or None (same work either way).

    Not throttled: the login form goes through :func:`log_in`."""
    user = db.session.scalar(db.select(User).filter_by(username=username.strip()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return user


# --- Login sessions ----------------------------------------------------------------------


def set_password(user: User, password: str) -> None:
    """Give ``user`` a new password and end every session signed in with the old one."""
    _check_new_password(password)
    user.password_hash = _hasher.hash(password)
    end_sessions(user)


def change_password(
    user: User, current: str, new: str, remote_addr: str | None, *, now: datetime | None = None
) -> bool:
    """Set ``new`` as ``user``'s password if ``current`` is right; False if it is not.

    ``current`` is checked through :func:`log_in`, so this cannot guess a password faster
    than the login page can (the caller commits the attempt either way). A too short new
    password is refused (ServiceError) before anything is checked or counted."""
    _check_new_password(new)
    if log_in(user.username, current, remote_addr, now=now) is None:
        return False
    set_password(user, new)
    return True


def end_sessions(user: User) -> None:
    """Make every session cookie issued to ``user`` so far worthless, copies included.

    A session holds ``User.get_id()``, which carries ``session_version``; raising it means
    no stored cookie matches any more. Log-out therefore ends the user's other sessions
    too (other browsers must log in again)."""
    user.session_version += 1
    db.session.flush()


def user_for_session(session_id: str) -> User | None:
    """The active user a session's ``"<id>:<session_version>"`` still stands for, or None."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None  # a cookie from before session versions, or forged
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


# --- Throttled login ---------------------------------------------------------------------


def normalise_username(username: str) -> str:
    """The name a login attempt is counted under: "Admin " and "admin" are one name."""
    return username.strip().casefold()[:80]


def _settings() -> tuple[int, int, timedelta, timedelta]:
    config = current_app.config
    return (
        int(config["LOGIN_MAX_FAILURES"]),
        int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
        timedelta(minutes=float(config["LOGIN_WINDOW_MINUTES"])),
        timedelta(minutes=float(config["LOGIN_LOCKOUT_MINUTES"])),
    )


def _locked_out(
    failures: Sequence[datetime], limit: int, window: timedelta, lockout: timedelta, now: datetime
) -> bool:
    """True when ``limit`` failures fell within ``window`` of each other and the last of
    them is less than ``lockout`` ago. ``failures`` is newest first."""
    if len(failures) >= _SCAN_LIMIT:
        return True
    for i in range(len(failures) - limit + 1):
        if failures[i] <= now - lockout:
            break
        if failures[i] - failures[i + limit - 1] < window:
            return True
    return False


def _failures(since: datetime, **where: str) -> list[datetime]:
    query = (
        db.select(LoginAttempt.at)
        .filter_by(outcome="failure", **where)
        .where(LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc())
        .limit(_SCAN_LIMIT)
    )
    return list(db.session.scalars(query))


def log_in(
    username: str, password: str, remote_addr: str | None, *, now: datetime | None = None
) -> User | None:
    """The user, when the password is right and neither the name nor the address is locked
    out; None otherwise, after the same work (the password hash runs even when locked).

    A name is locked out ``LOGIN_LOCKOUT_MINUTES`` after ``LOGIN_MAX_FAILURES`` failures
    within ``LOGIN_WINDOW_MINUTES``, an address likewise after
    ``LOGIN_MAX_FAILURES_PER_ADDRESS``. Attempts refused meanwhile, right password or not,
    are recorded as refused and do not prolong the lock-out. A success clears the name's
    failures, not the address's: a client that owns one account cannot reset its
    address's count by logging into it.

    Every attempt is a row of ``login_attempts`` (the caller commits, failures too), so
    all worker processes count the same failures; rows older than the window and the
    lock-out together are pruned here."""
    now = now or utcnow()
    limit, address_limit, window, lockout = _settings()
    name = normalise_username(username)
    address = (remote_addr or "unknown")[:45]
    user = authenticate(username, password)

    horizon = now - window - lockout
    last_success = db.session.scalar(
        db.select(db.func.max(LoginAttempt.at)).filter_by(username=name, outcome="success")
    )
    since = max(horizon, last_success) if last_success is not None else horizon
    refused = _locked_out(
        _failures(since, username=name), limit, window, lockout, now
    ) or _locked_out(_failures(horizon, remote_addr=address), address_limit, window, lockout, now)

    outcome = "refused" if refused else ("failure" if user is None else "success")
    db.session.execute(db.delete(LoginAttempt).where(LoginAttempt.at < horizon))
    db.session.add(LoginAttempt(username=name, remote_addr=address, at=now, outcome=outcome))
    db.session.flush()
    return user if outcome == "success" else None


# --- API tokens --------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    user: User, *, name: str = "", days: int | None = None, now: datetime | None = None
) -> str:
    """A new bearer token for ``user``, valid ``days`` (default ``API_TOKEN_DAYS``):
    returned once, only its hash is stored."""
    config = current_app.config
    days = int(config["API_TOKEN_DAYS"]) if days is None else days
    longest = int(config["API_TOKEN_MAX_DAYS"])
    if not 1 <= days <= longest:
        raise ServiceError(
            400, "bad-lifetime", f"A token lives between 1 and {longest} days, not {days}."
        )
    name = name.strip()
    if len(name) > 80:
        raise ServiceError(400, "bad-value", "A token name has at most 80 characters.")
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(
            user=user,
            name=name,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    db.session.flush()
    return token


def find_token(token: str) -> ApiToken | None:
    """The stored token this secret belongs to, whatever its state."""
    return db.session.scalar(db.select(ApiToken).filter_by(token_hash=hash_token(token)))


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def user_for_token(token: str, *, now: datetime | None = None) -> User:
    """The user a bearer token stands for; ServiceError 401 when it is unknown, revoked
    or expired, or its user is deactivated. Notes the use (at most once a minute)."""
    now = now or utcnow()
    row = find_token(token)
    if row is None or not row.user.active:
        raise ServiceError(401, "bad-token", "The API token is not valid.")
    if row.revoked_at is not None:
        raise ServiceError(
            401,
            "token-revoked",
            f"The API token was revoked on {_when(row.revoked_at)}; ask an admin for a new one.",
        )
    if row.expires_at <= now:
        raise ServiceError(
            401,
            "token-expired",
            f"The API token expired on {_when(row.expires_at)}; ask an admin for a new one.",
        )
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_INTERVAL:
        row.last_used_at = now
    return row.user


def list_tokens() -> list[ApiToken]:
    """Every token with its user, newest first (for the admin page)."""
    query = (
        db.select(ApiToken)
        .options(joinedload(ApiToken.user))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def revoke_token(token_id: int, *, now: datetime | None = None) -> ApiToken:
    """Revoke a token for good; revoking it again changes nothing (its first date stays)."""
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise ServiceError(404, "not-found", f"There is no API token {token_id}.")
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()
        db.session.flush()
    return row
