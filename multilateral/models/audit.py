"""The audit log: who changed what, when, with the values before and after.

Rows are written by a ``before_flush`` listener for every model that sets
``__audited__ = True``, so no service can forget to audit a change. A model names the
columns never to record in ``__audit_exclude__`` (a change to them alone is no event), and
secrets whose change is an event in ``__audit_redact__`` (recorded as :data:`REDACTED`,
never their value). The log is append-only:
a flush that changes or deletes an entry, and an UPDATE or DELETE statement on the table
sent through the session, raise :class:`AuditLogIsAppendOnly`.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event, inspect, select
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from multilateral.extensions import db
from multilateral.models.base import utcnow

__all__ = [
    "REDACTED",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "acting_user",
    "install_audit_listener",
]

#: (user id or None, name) of whoever is acting: set per request and by CLI commands.
acting_user: ContextVar[tuple[int | None, str]] = ContextVar(
    "acting_user", default=(None, "system")
)


class AuditLogIsAppendOnly(RuntimeError):
    """Code tried to change or delete an audit entry."""


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


#: Recorded instead of the value of a column in ``__audit_redact__``.
REDACTED = "(redacted)"


def _columns(obj: Any) -> list[str]:
    excluded = getattr(obj, "__audit_exclude__", ())
    return [c.key for c in inspect(obj).mapper.column_attrs if c.key not in excluded]


def _recorded(obj: Any, key: str, value: Any) -> Any:
    if value is not None and key in getattr(obj, "__audit_redact__", ()):
        return REDACTED
    return _jsonable(value)


def _snapshot(obj: Any) -> dict[str, Any]:
    return {key: _recorded(obj, key, getattr(obj, key)) for key in _columns(obj)}


def _changes(session: Session, obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    unloaded: list[str] = []
    for key in _columns(obj):
        history = state.attrs[key].history
        if history.has_changes():
            after[key] = _recorded(obj, key, history.added[0]) if history.added else None
            if history.deleted:
                before[key] = _recorded(obj, key, history.deleted[0])
            else:  # set without being loaded first (expired after a commit): ask the row
                unloaded.append(key)
    if unloaded:
        mapper = state.mapper
        columns = [mapper.column_attrs[key].columns[0] for key in unloaded]
        where = [c == v for c, v in zip(mapper.primary_key, state.identity, strict=True)]
        row = session.connection().execute(select(*columns).where(*where)).one_or_none()
        for key, value in zip(unloaded, row or [None] * len(unloaded), strict=True):
            before[key] = _recorded(obj, key, value)
    return before, after


def install_audit_listener(session: Any) -> None:
    """Audit every flush of audited models made through ``session`` (once per session)."""
    if event.contains(session, "before_flush", _before_flush):
        return
    event.listen(session, "before_flush", _before_flush)
    event.listen(session, "after_flush", _after_flush)
    event.listen(session, "do_orm_execute", _refuse_bulk_changes)


def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and getattr(
        state.statement.table, "name", None
    ) == AuditEntry.__tablename__:
        raise AuditLogIsAppendOnly("audit entries are never updated or deleted")


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise AuditLogIsAppendOnly("audit entries are never deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj):
            raise AuditLogIsAppendOnly("audit entries are never changed")
    user_id, actor = acting_user.get()
    for obj in list(session.dirty):
        if getattr(obj, "__audited__", False) and session.is_modified(obj):
            before, after = _changes(session, obj)
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
