"""Users, passwords and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import ROLES, ApiToken, User
from multilateral.models.base import utcnow

__all__ = ["create_user", "authenticate", "create_token", "user_for_token", "hash_token"]

_hasher = PasswordHasher()
#: Verified against when the user does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not a real password")

MIN_PASSWORD_LENGTH = 10


def create_user(username: str, password: str, role: str) -> User:
    username = username.strip()
    if not username:
        raise ServiceError(400, "missing-field", "A user name is required.")
    if role not in ROLES:
        raise ServiceError(400, "bad-role", f"Role must be one of {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            400, "weak-password", f"The password needs at least {MIN_PASSWORD_LENGTH} characters."
        )
    if db.session.scalar(db.select(User).filter_by(username=username)) is not None:
        raise ServiceError(409, "duplicate-user", f"A user named {username!r} already exists.")
    user = User(username=username, password_hash=_hasher.hash(password), role=role)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with this name and password, or None (same work either way)."""
    user = db.session.scalar(db.select(User).filter_by(username=username.strip()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User) -> str:
    """A new bearer token for ``user``: returned once, only its hash is stored."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token)))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(db.select(ApiToken).filter_by(token_hash=hash_token(token)))
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user
