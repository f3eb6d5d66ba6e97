"""The audit log: who changed what, when, with the values before and after.

Rows are written by a ``before_flush`` listener for every model that sets
``__audited__ = True``, so no service can forget to audit a change.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from multilateral.extensions import db
from multilateral.models.base import utcnow

__all__ = ["AuditEntry", "acting_user", "install_audit_listener"]

#: (user id or None, name) of whoever is acting: set per request and by CLI commands.
acting_user: ContextVar[tuple[int | None, str]] = ContextVar(
    "acting_user", default=(None, "system")
)


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Who acted, kept even if the user is deleted ("seed", "cli", a username).
    actor: Mapped[str] = mapped_column(String(80))
    #: create, update or delete.
    action: Mapped[str] = mapped_column(String(10))
    #: Table name of the changed row.
    entity: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _columns(obj: Any) -> list[str]:
    excluded = getattr(obj, "__audit_exclude__", ())
    return [c.key for c in inspect(obj).mapper.column_attrs if c.key not in excluded]


def _snapshot(obj: Any) -> dict[str, Any]:
    return {key: _jsonable(getattr(obj, key)) for key in _columns(obj)}


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if history.has_changes():
            before[key] = _jsonable(history.deleted[0]) if history.deleted else None
            after[key] = _jsonable(history.added[0]) if history.added else None
    return before, after


def install_audit_listener(session: Any) -> None:
    """Audit every flush of audited models made through ``session`` (once per session)."""
    if event.contains(session, "before_flush", _before_flush):
        return
    event.listen(session, "before_flush", _before_flush)
    event.listen(session, "after_flush", _after_flush)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    user_id, actor = acting_user.get()
    for obj in list(session.dirty):
        if getattr(obj, "__audited__", False) and session.is_modified(obj):
            before, after = _changes(obj)
            if after:
                session.add(
                    AuditEntry(
                        user_id=user_id,
                        actor=actor,
                        action="update",
                        entity=obj.__tablename__,
                        entity_id=obj.id,
                        before=before,
                        after=after,
                    )
                )
    for obj in list(session.deleted):
        if getattr(obj, "__audited__", False):
            session.add(
                AuditEntry(
                    user_id=user_id,
                    actor=actor,
                    action="delete",
                    entity=obj.__tablename__,
                    entity_id=obj.id,
                    before=_snapshot(obj),
                )
            )
    created = [o for o in session.new if getattr(o, "__audited__", False)]
    if created:
        session.info.setdefault("audit_created", []).extend(created)


def _after_flush(session: Session, _context: Any) -> None:
    # New rows get their ids only now; their entries are flushed with the transaction.
    created = session.info.pop("audit_created", [])
    if not created:
        return
    user_id, actor = acting_user.get()
    table = AuditEntry.__table__
    session.execute(
        table.insert(),
        [
            {
                "at": utcnow(),
                "user_id": user_id,
                "actor": actor,
                "action": "create",
                "entity": obj.__tablename__,
                "entity_id": obj.id,
                "before": None,
                "after": _snapshot(obj),
            }
            for obj in created
        ],
    )
