"""People who use the service, their API tokens, and the login attempts that throttle them."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multilateral.extensions import db
from multilateral.models.base import one_of, utcnow

__all__ = ["LOGIN_OUTCOMES", "ROLES", "User", "ApiToken", "LoginAttempt"]

#: In increasing order of rights: each role can do all the previous one can.
ROLES = ("viewer", "negotiator", "admin")
#: A login attempt succeeded, failed (wrong name or password), or was refused unchecked
#: because the name or address was locked out; only failures count towards a lock-out.
LOGIN_OUTCOMES = ("success", "failure", "refused")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (one_of("role", ROLES, "ck_users_role"),)
    __audited__ = True
    #: A new password is an event in the audit log; its hash is never recorded.
    __audit_redact__ = ("password_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    #: Argon2id hash of the password.
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Part of every login session's id: raising it (log-out, new password) ends every
    #: session signed with the old value, even a copied cookie.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: ``"<id>:<session_version>"``."""
        return f"{self.id}:{self.session_version}"

    def can(self, role: str) -> bool:
        """True when this user's role is ``role`` or above."""
        return ROLES.index(self.role) >= ROLES.index(role)


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored (tokens are random, 256 bits)."""

    __tablename__ = "api_tokens"
    __audited__ = True
    #: The hash is useless to a reader but has no business in the log; use is not a change.
    __audit_exclude__ = ("token_hash", "last_used_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Says what the token is for ("CI import job"); shown on the admin page.
    name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: After this moment the token is refused (401 token-expired).
    expires_at: Mapped[datetime]
    #: Updated at most once a minute, so a busy client does not write on every request.
    last_used_at: Mapped[datetime | None]
    #: Set once, by an admin or ``flask revoke-token``; a revoked token is refused.
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


class LoginAttempt(db.Model):
    """One try at the login form, kept (a little longer than) the throttling window, so
    every worker process counts the same failures."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        one_of("outcome", LOGIN_OUTCOMES, "ck_login_attempts_outcome"),
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_remote_addr_at", "remote_addr", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The name as typed, stripped and case-folded: "Admin " counts against "admin".
    username: Mapped[str] = mapped_column(String(80))
    #: Client address as the application sees it (behind a proxy: see TRUSTED_PROXIES).
    remote_addr: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: One of LOGIN_OUTCOMES.
    outcome: Mapped[str] = mapped_column(String(10))
